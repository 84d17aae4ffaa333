/**
 * Canary ports over Auto Scaling and a Classic ELB or ALB/NLB target groups: the swap's ports
 * (green scaled step by step among them), plus the weight (on a Classic ELB approximated by green instances
 * serving beside blue, on target groups the listener's forward weights), and analysis from an
 * injected evaluator (until one is given, every analysis passes, with a check that says so).
 */
import type { CanaryPorts } from '../machines/ports';
import type { CanaryAnalysisFacts, CanaryAnalysisInput } from '../../model/deploy-io';
import { TAG_KEPT } from '../../model/names';
import type { AwsPort } from '../../aws/port';
import type { DeployPortsContext } from '../../providers/deploy-context';
import { tagGroup } from '../../providers/autoscaling/swap-groups';
import { setClassicWeight } from '../../providers/loadbalancer/canary-weight';
import { setTargetGroupWeight } from '../../providers/targetgroup/canary-weight';
import { createSwapPorts } from './swap';

/** Judges green against blue now; the analysis evaluator plugs in here. `nowMs` is filled in when missing. */
export type CanaryAnalyzer = (input: CanaryAnalysisInput) => Promise<Omit<CanaryAnalysisFacts, 'nowMs'> & { nowMs?: number }>;

/** The analyzer until `spec.deploy.analysis` has an evaluator: passes, and says why. */
export const passWithoutAnalysis: CanaryAnalyzer = async () => ({
  verdict: 'pass',
  checks: [{ name: 'none', verdict: 'pass', message: 'no analysis configured: the canary relies on health checks' }],
});

export function createCanaryPorts(clients: AwsPort, ctx: DeployPortsContext, analyze: CanaryAnalyzer = passWithoutAnalysis): CanaryPorts {
  return {
    ...createSwapPorts(clients, ctx),
    setTrafficWeight: (p) => (ctx.fleet.loadBalancer.elbv2 ? setTargetGroupWeight : setClassicWeight)(clients, ctx, p),
    keepGreen: (p) => tagGroup(clients, ctx, p.groupName, { [TAG_KEPT]: p.reason }),
    analyze: async (p) => {
      const out = await analyze(p);
      return { verdict: out.verdict, checks: out.checks, nowMs: out.nowMs ?? ctx.clock.nowMs() };
    },
  };
}
