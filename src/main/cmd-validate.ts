import { Command } from 'commander';
import { validateFiles } from '../manifest';
import { writeOut } from './cli-support';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check Fleet manifests without touching AWS; every problem is printed as FILE:LINE:COL: message')
    .argument('<file...>', 'manifest files (a file may hold several fleets separated by ---)')
    .addHelpText(
      'after',
      `
Exit codes: 0 all valid, 2 any problem.

Examples:
  $ drover validate manifests/examples/*.yaml
  $ drover validate fleet.yaml && git commit -am "scale magento to 4"`,
    )
    .action((files: string[]) => {
      const result = validateFiles(files);
      if (result.output) (result.ok ? writeOut : (t: string) => process.stderr.write(`${t}\n`))(result.output);
      process.exitCode = result.ok ? 0 : 2;
    });
}
