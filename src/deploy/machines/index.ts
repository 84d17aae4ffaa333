/**
 * Wiring: the deploy machines with their invoked actors bound to a ports implementation.
 * Without ports the machines keep placeholder actors that fail every step. Each port call
 * first waits until the snapshot that invoked it is saved (see persistence-barrier).
 */
import { fromPromise } from 'xstate';
import { afterPersisted } from './persistence-barrier';
import { bakeMachine, type BakeMachine } from './bake.machine';
import { canaryMachine, type CanaryMachine } from './canary.machine';
import type { BakePorts, CanaryPorts, RollingPorts, SwapPorts } from './ports';
import { rollingMachine, type RollingMachine } from './rolling.machine';
import { swapMachine, type SwapMachine } from './swap.machine';

export function createBakeMachine(ports?: BakePorts): BakeMachine {
  if (!ports) return bakeMachine;
  return bakeMachine.provide({
    actors: {
      findImage: step(ports.findImage.bind(ports)),
      launchBuilder: step(ports.launchBuilder.bind(ports)),
      pollBuilder: step(ports.pollBuilder.bind(ports)),
      readResult: step(ports.readResult.bind(ports)),
      createImage: step(ports.createImage.bind(ports)),
      pollImage: step(ports.pollImage.bind(ports)),
      terminateBuilder: step(ports.terminateBuilder.bind(ports)),
    },
  });
}

export function createSwapMachine(ports?: SwapPorts): SwapMachine {
  if (!ports) return swapMachine;
  return swapMachine.provide({
    actors: {
      createLaunchTemplateVersion: step(ports.createLaunchTemplateVersion.bind(ports)),
      createGreenGroup: step(ports.createGreenGroup.bind(ports)),
      attachGreen: step(ports.attachGreen.bind(ports)),
      pollGroupHealth: step(ports.pollGroupHealth.bind(ports)),
      deregisterBlue: step(ports.deregisterBlue.bind(ports)),
      pollAlarms: step(ports.pollAlarms.bind(ports)),
      pollClock: step(ports.pollClock.bind(ports)),
      movePolicies: step(ports.movePolicies.bind(ports)),
      scaleToZero: step(ports.scaleToZero.bind(ports)),
      deleteGroup: step(ports.deleteGroup.bind(ports)),
      restoreBlue: step(ports.restoreBlue.bind(ports)),
      detachGreen: step(ports.detachGreen.bind(ports)),
      reobserve: step(ports.reobserve.bind(ports)),
      scaleGreen: step(ports.scaleGreen.bind(ports)),
    },
  });
}

export function createCanaryMachine(ports?: CanaryPorts): CanaryMachine {
  if (!ports) return canaryMachine;
  const swap = createSwapMachine(ports).implementations.actors;
  return canaryMachine.provide({
    actors: {
      ...(swap as any),
      setTrafficWeight: step(ports.setTrafficWeight.bind(ports)),
      analyze: step(ports.analyze.bind(ports)),
      keepGreen: step(ports.keepGreen.bind(ports)),
    },
  });
}

export function createRollingMachine(ports?: RollingPorts): RollingMachine {
  if (!ports) return rollingMachine;
  return rollingMachine.provide({
    actors: {
      prepareVersion: step(ports.prepareVersion.bind(ports)),
      startInstanceRefresh: step(ports.startInstanceRefresh.bind(ports)),
      pollInstanceRefresh: step(ports.pollInstanceRefresh.bind(ports)),
      holdInstanceRefresh: step(ports.holdInstanceRefresh.bind(ports)),
      reobserve: step(ports.reobserve.bind(ports)),
    },
  });
}

/** A promise actor for one port method, run after the invoking snapshot is saved. */
function step<I, O>(call: (input: I) => Promise<O>) {
  return fromPromise<O, I>(async ({ input, system, signal }) => {
    await afterPersisted(system, signal);
    return call(input);
  });
}
