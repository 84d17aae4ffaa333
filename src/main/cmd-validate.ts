import { Command } from 'commander';
import { validateFiles } from '../manifest';
import { dataText, outputOption, parseOutputFlag, writeOut } from './cli-support';

const OUTPUTS = ['table', 'json', 'yaml'];

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check Fleet manifests without touching AWS; every problem is printed as FILE:LINE:COL: message')
    .argument('<file...>', 'manifest files (a file may hold several fleets separated by ---)')
    .addOption(outputOption(OUTPUTS, `output format: ${OUTPUTS.join(', ')} (json and yaml: each file with its fleets and problems, on stdout)`))
    .addHelpText(
      'after',
      `
Exit codes: 0 all valid, 2 any problem.

Examples:
  $ drover validate manifests/examples/*.yaml
  $ drover validate fleet.yaml && git commit -am "scale magento to 4"
  $ drover validate manifests/*.yaml -o json | jq -r '.files[].problems[]'`,
    )
    .action(async (files: string[], flags: { output?: string }) => {
      const output = parseOutputFlag(flags.output, OUTPUTS);
      const result = validateFiles(files);
      if (output !== 'table') {
        process.stdout.write(await dataText(output as 'json' | 'yaml', { kind: 'ValidationResult', ok: result.ok, files: result.files }));
      } else if (result.output) (result.ok ? writeOut : (t: string) => process.stderr.write(`${t}\n`))(result.output);
      process.exitCode = result.ok ? 0 : 2;
    });
}
