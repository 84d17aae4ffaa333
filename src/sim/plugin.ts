/**
 * The SDK plugin: a middleware at the `initialize` step answers every command from the
 * simulated account without calling `next()`, so no credentials or network are needed.
 */
import type { SimAccount } from './account';

export const SIM_MIDDLEWARE_NAME = 'droverSim';

export function createSimPlugin(account: SimAccount): { applyToStack(stack: any): void } {
  return {
    applyToStack(stack: any) {
      stack.add(
        (_next: unknown, context: { clientName?: string; commandName?: string }) => async (args: { input: unknown }) => {
          const output = await account.dispatch(context.clientName ?? '', context.commandName ?? '', args.input);
          return { output, response: {} };
        },
        { step: 'initialize', name: SIM_MIDDLEWARE_NAME, priority: 'high', override: true },
      );
    },
  };
}
