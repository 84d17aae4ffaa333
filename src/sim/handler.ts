import { SimCore } from './core';

/** A semantic handler: takes the command input, returns the output without `$metadata`. */
export type Handler = (sim: SimCore, input: any) => unknown;
export type HandlerMap = Record<string, Handler>;
