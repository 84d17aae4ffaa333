/**
 * Properties of plan(): for random valid fleets and random worlds (converged or empty, then
 * perturbed), a plan applied in the pure world converges, never touches what drover does not
 * own, keeps dependency order, and sends AMI changes through a single deployment.
 */
import fc from 'fast-check';
import type { DesiredFleet } from '../model/fleet';
import { groupName, resourceNames } from '../model/names';
import type { ObservedFleet } from '../model/observed';
import type { PlanStep, PlanStepKind } from '../model/plan';
import { FIXTURE } from '../../test/support/planner/fixtures';
import { plan } from './plan';
import { convergedFor, desiredArb, emptyFor } from '../../test/support/planner/fleet-arbitraries';
import { conflictArb, driftArb, perturb, type Perturbation } from '../../test/support/planner/perturbations';
import { orderViolations, ownershipViolations, references, takenResources } from '../../test/support/planner/plan-invariants';
import { applyPlanPure, PureWorldViolation } from '../../test/support/planner/pure-world';

const RUNS = { seed: 20260101, numRuns: 200 };

interface Scenario {
  d: DesiredFleet;
  /** The world is observed from the fleet `from` converged to (or from nothing), then perturbed. */
  from: DesiredFleet;
  base: 'converged' | 'empty';
  observeHooks: boolean;
  changes: Perturbation[];
}

function scenarioArb(changes: fc.Arbitrary<Perturbation[]>): fc.Arbitrary<Scenario> {
  return fc.record({
    d: desiredArb(),
    other: desiredArb(),
    sameFleet: fc.boolean(),
    base: fc.constantFrom('converged' as const, 'converged' as const, 'empty' as const),
    observeHooks: fc.boolean(),
    changes,
  }).map(({ d, other, sameFleet, ...rest }) => ({ d, from: sameFleet ? d : other, ...rest }));
}

function worldOf(s: Scenario): ObservedFleet {
  const base = s.base === 'empty' ? emptyFor(s.d) : convergedFor(s.from, s.observeHooks);
  return perturb(base, s.d, s.changes);
}

const driftsArb = fc.array(driftArb, { maxLength: 5 });
const withConflictsArb = fc.tuple(driftsArb, fc.array(conflictArb, { minLength: 1, maxLength: 2 })).map(([a, b]) => [...a, ...b]);
const describe_ = (steps: PlanStep[]) => steps.map((s) => `${s.kind} ${s.resource}: ${s.reason}`);

/** Plan, check, apply: at most two rounds, then the plan must be empty. */
function converge(s: Scenario): { last: PlanStep[]; world: ObservedFleet; rounds: PlanStep[][] } {
  let world = worldOf(s);
  const rounds: PlanStep[][] = [];
  for (;;) {
    const steps = plan(s.d, world).steps;
    rounds.push(steps);
    expect(ownershipViolations(steps, world)).toEqual([]);
    expect(orderViolations(steps)).toEqual([]);
    if (!steps.length || rounds.length > 2) return { last: steps, world, rounds };
    world = applyPlanPure(world, steps, s.d, { observeHooks: s.observeHooks });
  }
}

describe('plan: properties over random fleets and worlds', () => {
  it('plans zero steps for the converged world of any valid fleet', () => {
    fc.assert(
      fc.property(desiredArb(), fc.boolean(), (d, hooks) => {
        expect(describe_(plan(d, convergedFor(d, hooks)).steps)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('converges within two rounds of applying in the pure world, whatever drifted', () => {
    fc.assert(
      fc.property(scenarioArb(driftsArb), (s) => {
        const { last, world, rounds } = converge(s);
        expect({ remaining: describe_(last), rounds: rounds.map(describe_) }).toEqual({ remaining: [], rounds: expect.anything() });
        // Converged means serving: the active group launches from drover's current template.
        const lt = world.launchTemplate!;
        const active = world.groups.find((g) => g.loadBalancerNames.includes(s.d.loadBalancer.name));
        expect(active?.launchTemplate?.id).toBe(lt.id);
        expect(world.loadBalancer?.instances.length).toBeGreaterThanOrEqual(active!.instances.length);
      }),
      RUNS,
    );
  });

  it('never touches a resource without drover tags: every step targets what is owned or created earlier', () => {
    fc.assert(
      fc.property(scenarioArb(fc.oneof(driftsArb, withConflictsArb)), (s) => {
        const world = worldOf(s);
        expect(ownershipViolations(plan(s.d, world).steps, world)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('reports a name held by an untagged resource as nameTaken, and no step touches or builds on it', () => {
    fc.assert(
      fc.property(scenarioArb(withConflictsArb), (s) => {
        const world = worldOf(s);
        const steps = plan(s.d, world).steps;
        const taken = takenResources(world);
        const reported = new Set(steps.filter((x) => x.kind === 'nameTaken').map((x) => x.resource));
        expect([...wantedNames(s.d, world)].filter((r) => taken.has(r) && !reported.has(r))).toEqual([]);
        for (const r of reported) expect(taken.has(r)).toBe(true);
        for (const x of steps.filter((y) => y.kind !== 'nameTaken')) {
          expect({ step: `${x.kind} ${x.resource}`, touches: [x.resource, ...references(x)].filter((r) => taken.has(r)) }).toEqual({ step: expect.any(String), touches: [] });
        }
        // Applying it never breaks a rule (steps that wait on the blocked resource just wait), twice over.
        const next = applyPlanPure(world, steps, s.d, { observeHooks: s.observeHooks, stopAtWait: true });
        const again = plan(s.d, next).steps;
        expect(again.filter((x) => x.kind === 'nameTaken').map((x) => x.resource).sort()).toEqual([...reported].sort());
        expect(() => applyPlanPure(next, again, s.d, { observeHooks: s.observeHooks, stopAtWait: true })).not.toThrow();
      }),
      RUNS,
    );
  });

  it('keeps dependency order: dependents deleted first, dependencies created first', () => {
    fc.assert(
      fc.property(scenarioArb(fc.oneof(driftsArb, withConflictsArb)), (s) => {
        expect(orderViolations(plan(s.d, worldOf(s)).steps)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('the pure world refuses out-of-order deletes (the model can catch an ordering bug)', () => {
    const d: DesiredFleet = { ...convergedScenarioFleet(), storage: undefined };
    const world = convergedFor(convergedScenarioFleet(), false);
    const steps = plan(d, world).steps;
    const reversed = [...steps.filter((x) => x.kind === 'deleteFileSystem'), ...steps.filter((x) => x.kind !== 'deleteFileSystem')];
    expect(() => applyPlanPure(world, reversed, d)).toThrow(/FileSystemInUse/);
    expect(() => applyPlanPure(world, steps, d)).not.toThrow(PureWorldViolation);
  });
});

/** Names the manifest wants that the world has no owned resource for (a conflict on one of them must be reported). */
function wantedNames(d: DesiredFleet, o: ObservedFleet): Set<string> {
  const n = resourceNames(d.name);
  const want = new Set<string>();
  if (!o.loadBalancer) want.add(`loadBalancer/${d.loadBalancer.name}`);
  if (!o.launchTemplate) want.add(`launchTemplate/${n.launchTemplate}`);
  if (!o.groups.length) want.add(`autoScalingGroup/${groupName(d.name, 1)}`);
  if (d.storage && !o.efsSecurityGroup) want.add(`securityGroup/${n.efsSecurityGroup}`);
  if (d.storage && !o.fileSystem) want.add(`fileSystem/${n.efsCreationToken}`);
  for (const alarm of d.scaling ? [n.scaleOutAlarm, n.scaleInAlarm] : []) if (!o.alarms.some((a) => a.name === alarm)) want.add(`alarm/${alarm}`);
  return want;
}

function convergedScenarioFleet(): DesiredFleet {
  return fc.sample(desiredArb().filter((x) => !!x.storage), { seed: 7, numRuns: 1 })[0];
}

const EDITS: PlanStepKind[] = ['createLaunchTemplate', 'createLaunchTemplateVersion', 'createAutoScalingGroup', 'updateAutoScalingGroup', 'attachLoadBalancer', 'deleteAutoScalingGroup'];

describe('plan: AMI changes go through one deployment', () => {
  const templateDrift = fc.array(
    fc.record({ op: fc.constant('template' as const), field: fc.constantFrom('instanceType' as const, 'userData' as const, 'keyName' as const, 'securityGroups' as const) }),
    { maxLength: 3 },
  );

  it('a new pinned AMI (with any template drift) yields exactly one startDeployment and no template or group edit', () => {
    const pinned = desiredArb().filter((d) => !!d.image.ami);
    fc.assert(
      fc.property(pinned, fc.constantFrom(...FIXTURE.amis), templateDrift, fc.boolean(), (d, ami, drift, hooks) => {
        fc.pre(ami !== d.image.ami);
        const world = perturb(convergedFor(d, hooks), d, drift);
        const next = { ...d, image: { ami } };
        const steps = plan(next, world).steps;
        const deployments = steps.filter((x) => x.kind === 'startDeployment');
        expect(deployments).toHaveLength(1);
        expect(deployments[0].params).toMatchObject({ fromAmi: d.image.ami, toAmi: ami, group: world.groups[0].name, generation: 2 });
        expect(steps.filter((x) => EDITS.includes(x.kind))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('in any world: at most one startDeployment, never beside a template edit, and never for a bake fleet', () => {
    fc.assert(
      fc.property(scenarioArb(fc.oneof(driftsArb, withConflictsArb)), (s) => {
        const steps = plan(s.d, worldOf(s)).steps;
        const deployments = steps.filter((x) => x.kind === 'startDeployment');
        expect(deployments.length).toBeLessThanOrEqual(1);
        if (deployments.length) expect(steps.filter((x) => x.kind === 'createLaunchTemplate' || x.kind === 'createLaunchTemplateVersion')).toEqual([]);
        if (!s.d.image.ami) expect(deployments).toEqual([]);
      }),
      RUNS,
    );
  });
});
