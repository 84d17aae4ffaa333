/** Params of the plan steps of an ELBv2 fleet (the load balancer, its listener and two target groups). */
import type { DesiredElbV2, DesiredTargetGroup } from './fleet';

export interface CreateElbV2LoadBalancerParams {
  fleet: string;
  name: string;
  type: DesiredElbV2['type'];
  subnets: string[];
  securityGroups: string[];
}

export interface CreateTargetGroupParams {
  fleet: string;
  /** The target group's name (`<fleet>-blue`); its VPC is the load balancer's. */
  name: string;
  loadBalancerName: string;
  targetGroup: DesiredTargetGroup;
}

/** Health check and deregistration delay of an existing target group. */
export interface ModifyTargetGroupParams {
  name: string;
  targetGroup: DesiredTargetGroup;
}

export interface CreateElbV2ListenerParams {
  fleet: string;
  loadBalancerName: string;
  listener: DesiredElbV2['listener'];
  /** The group the listener forwards to at weight 100. */
  targetGroupName: string;
  /** The other group, in the forward action at weight 0 so that its targets are health-checked. */
  standbyTargetGroupName?: string;
}

export interface ModifyElbV2ListenerParams {
  loadBalancerName: string;
  /** The listener's current port (how it is found). */
  port: number;
  listener: DesiredElbV2['listener'];
}

/** Deleting an ELBv2 resource of a deleted fleet, by ARN (name for the messages). */
export interface DeleteElbV2Params {
  name: string;
  arn: string;
}

/** Someone else's listener forwarding to the fleet's target groups too: it keeps only the others, with their weights. */
export interface RemoveFromListenerParams {
  loadBalancerName: string;
  listenerArn: string;
  keep: Array<{ arn: string; weight: number }>;
}

export interface TargetGroupStepParams {
  deleteElbV2Listener: DeleteElbV2Params;
  removeFromElbV2Listener: RemoveFromListenerParams;
  deleteTargetGroup: DeleteElbV2Params;
  deleteElbV2LoadBalancer: DeleteElbV2Params;
  createElbV2LoadBalancer: CreateElbV2LoadBalancerParams;
  createTargetGroup: CreateTargetGroupParams;
  modifyTargetGroup: ModifyTargetGroupParams;
  createElbV2Listener: CreateElbV2ListenerParams;
  modifyElbV2Listener: ModifyElbV2ListenerParams;
}
