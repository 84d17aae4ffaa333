/**
 * The bake builder's user-data: a bash script that checks out the commit, runs the manifest's
 * build script, prints the result marker to the console and powers off. The builder is
 * launched with shutdown behaviour `stop`, so "stopped" means "finished".
 */
import { BAKE_RESULT_MARKER } from './bake-result';

export interface BuilderScriptInput {
  fleet: string;
  commit: string;
  repository: string;
  branch: string;
  buildScript: string;
}

/** Where the builder works, logs and reports; tests run the script in a temporary directory. */
export interface BuilderPaths {
  work: string;
  log: string;
  console: string;
}

export const BUILDER_PATHS: BuilderPaths = { work: '/opt/drover', log: '/var/log/drover-build.log', console: '/dev/console' };

/** Single-quote for bash unless the text is plainly safe (the commit stays bare: `export DROVER_COMMIT=<sha>`). */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9._/:@+-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function renderBuilderScript(input: BuilderScriptInput, paths: BuilderPaths = BUILDER_PATHS): string {
  const build = Buffer.from(input.buildScript, 'utf8').toString('base64');
  return [
    '#!/bin/bash',
    `# drover bake builder for fleet ${input.fleet}`,
    `export DROVER_COMMIT=${shellQuote(input.commit)}`,
    `export DROVER_REPOSITORY=${shellQuote(input.repository)}`,
    `export DROVER_BRANCH=${shellQuote(input.branch)}`,
    `WORK=${shellQuote(paths.work)}`,
    `LOG=${shellQuote(paths.log)}`,
    `CONSOLE=${shellQuote(paths.console)}`,
    String.raw`json_escape() { printf '%s' "$1" | tr '\n\t\r' '   ' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }`,
    'report() {',
    `  printf '%s {"ok":%s,"commit":"%s","message":"%s"}\\n' '${BAKE_RESULT_MARKER}' "$1" "$DROVER_COMMIT" "$(json_escape "$2")" >> "$CONSOLE"`,
    '  sync; shutdown -h now; exit 0',
    '}',
    'mkdir -p "$WORK" && : > "$LOG"',
    'git clone --no-checkout "$DROVER_REPOSITORY" "$WORK/src" >> "$LOG" 2>&1 || report false "git clone of $DROVER_REPOSITORY failed: $(tail -n 1 "$LOG")"',
    'git -C "$WORK/src" checkout --detach "$DROVER_COMMIT" >> "$LOG" 2>&1 || report false "checking out $DROVER_COMMIT failed: $(tail -n 1 "$LOG")"',
    `printf '%s' '${build}' | base64 -d > "$WORK/build.sh"`,
    'cd "$WORK/src"',
    'bash "$WORK/build.sh" 2>&1 | tee -a "$LOG" >> "$CONSOLE"',
    'code=${PIPESTATUS[0]}',
    'if [ "$code" -eq 0 ]; then report true "build succeeded"; fi',
    'report false "build script exited with $code: $(tail -n 1 "$LOG")"',
    '',
  ].join('\n');
}
