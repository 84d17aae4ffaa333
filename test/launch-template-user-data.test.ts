/**
 * The planner renders the launch template's user-data into the step; a file system the same
 * plan creates is filled in by the provider once it exists, so the template AWS holds is the
 * one the next plan expects.
 */
import { applyStep } from '../src/providers/apply';
import { templateData } from '../src/planner/plan-launch-template';
import { renderUserData } from '../src/planner/user-data';
import { FILE_SYSTEM_ID_SLOT } from '../src/model/user-data';
import { step } from '../src/planner/steps';
import { desiredFleet } from './support/planner/fixtures';
import { createCloudEnv } from './cloud-env';

describe('launch template user-data', () => {
  it('fills in a file system the plan did not know yet, and the next plan is empty', async () => {
    const env = createCloudEnv();
    const d = desiredFleet();
    const results = await env.converge(d);
    expect(results[results.length - 1].readiness.ready).toBe(true);
    const converged = (await env.reconcile(d, { dryRun: true })).observed;
    const lt = converged.launchTemplate!;
    const fs = converged.fileSystem!;
    const efs = d.storage!.efs;

    // As planned in the pass that created the file system: no id yet, the slot in its place.
    const params = { ...templateData(d, { ...converged, fileSystem: undefined }, lt.imageId), launchTemplateId: lt.id };
    expect(params.storage).toEqual({ creationToken: expect.any(String), mountPath: efs.mountPath, region: d.region });
    expect(params.userData).toBe(renderUserData(d.instances.userData, { fileSystemId: FILE_SYSTEM_ID_SLOT, region: d.region, mountPath: efs.mountPath }));
    const outcome = await applyStep(env.clients, step('createLaunchTemplateVersion', `launchTemplate/${lt.name}`, 'test', params), {
      logger: env.logger,
      sleep: env.deps.sleep,
      fleet: d.name,
    });
    expect(outcome).toMatchObject({ status: 'done', detail: { version: lt.latestVersion + 1 } });

    const template = Object.values(env.sim.snapshot().launchTemplates).find((t) => t.id === lt.id)!;
    const written = template.versions.find((v) => v.number === lt.latestVersion + 1)!.data.UserData as string;
    const want = renderUserData(d.instances.userData, { fileSystemId: fs.id, region: d.region, mountPath: efs.mountPath });
    expect(Buffer.from(written, 'base64').toString('utf8')).toBe(want);
    expect((await env.reconcile(d, { dryRun: true })).plan.steps).toEqual([]);
  });
});
