/**
 * EC2 statements of the daemon policy. EC2 authorizes one request against several resource
 * types (RunInstances: the instance, its volumes, subnet, security groups, image, launch
 * template), and a tag condition only holds on resources that carry or receive tags. So each
 * action is split by resource type: new resources must be created tagged, existing ones must
 * be drover's, and the resources drover only references (subnets, the user's security groups,
 * base AMIs) are named by type without a tag condition.
 */
import { actionsOf } from './iam-actions';
import { PolicyScope, ec2Arns, ec2OwnerlessArns } from './iam-scope';
import { TAG_FLEET } from '../model/names';
import { PolicyStatement, REQUEST_TAGGED, RESOURCE_TAGGED, allOf, allow } from './iam-statement';

const ec2 = (ops: string[]) => actionsOf('EC2', ops);

/** The create actions whose TagSpecifications drover uses; CreateTags is allowed only within them. */
const TAG_ON_CREATE = ['RunInstances', 'CreateSecurityGroup', 'CreateLaunchTemplate', 'CreateImage'];

export function ec2Statements(s: PolicyScope): PolicyStatement[] {
  return [...ec2CreateStatements(s), ...ec2ManageStatements(s)];
}

function ec2CreateStatements(s: PolicyScope): PolicyStatement[] {
  const arns = (...types: string[]) => types.flatMap((t) => ec2Arns(s, t));
  return [
    allow('Ec2CreateTaggedSecurityGroups', ec2(['CreateSecurityGroup']), arns('security-group'), REQUEST_TAGGED),
    // The VPC is only referenced; the group created in it must carry the ownership tag.
    allow('Ec2CreateSecurityGroupsInVpcs', ec2(['CreateSecurityGroup']), arns('vpc')),
    allow('Ec2CreateTaggedLaunchTemplates', ec2(['CreateLaunchTemplate']), arns('launch-template'), REQUEST_TAGGED),
    allow('Ec2RunTaggedInstances', ec2(['RunInstances']), arns('instance', 'volume'), REQUEST_TAGGED),
    allow('Ec2RunInstancesFromDroverLaunchTemplates', ec2(['RunInstances']), arns('launch-template'), RESOURCE_TAGGED),
    // Referenced by RunInstances: subnets, the manifest's security groups, key pairs, the
    // primary network interface it creates, and base AMIs (often not drover's own).
    allow(
      'Ec2RunInstancesWithReferencedResources',
      ec2(['RunInstances']),
      [...arns('subnet', 'security-group', 'network-interface', 'key-pair'), ...ec2OwnerlessArns(s, 'image')],
    ),
    allow('Ec2CreateTaggedImages', ec2(['CreateImage']), ec2OwnerlessArns(s, 'image'), REQUEST_TAGGED),
    // The snapshots of a bake are a by-product of imaging a drover builder (next statement);
    // they are not reliably tagged at creation, so no request-tag condition here.
    allow('Ec2CreateImageSnapshots', ec2(['CreateImage']), ec2OwnerlessArns(s, 'snapshot')),
    allow('Ec2TagOnlyWhileCreating', ec2(['CreateTags']), [...arns('*'), ...ec2OwnerlessArns(s, 'image'), ...ec2OwnerlessArns(s, 'snapshot')], {
      StringEquals: { 'ec2:CreateAction': TAG_ON_CREATE },
    }),
  ];
}

function ec2ManageStatements(s: PolicyScope): PolicyStatement[] {
  const arns = (...types: string[]) => types.flatMap((t) => ec2Arns(s, t));
  return [
    allow(
      'Ec2ManageDroverResources',
      [
        ...ec2([
          'TerminateInstances',
          'GetConsoleOutput',
          'CreateImage',
          'DeleteSecurityGroup',
          'AuthorizeSecurityGroupIngress',
          'RevokeSecurityGroupIngress',
          'CreateLaunchTemplateVersion',
          'ModifyLaunchTemplate',
          'DeleteLaunchTemplate',
          'DeleteLaunchTemplateVersions',
          'CreateTags',
        ]),
        // An EFS mount target's interface goes into drover's EFS security group.
        'ec2:CreateNetworkInterface',
      ],
      [...arns('instance', 'security-group', 'launch-template'), ...ec2OwnerlessArns(s, 'image')],
      RESOURCE_TAGGED,
    ),
    imageRetentionStatement(s),
    // Rules live inside a group the statement above already requires to be drover's.
    allow('Ec2EditRulesOfDroverGroups', ec2(['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress']), arns('security-group-rule')),
    // CreateMountTarget and DeleteMountTarget create and delete a requester-managed network
    // interface with drover's credentials. AWS gives no tag or service condition for it
    // (aws:CalledVia does not cover EFS), so it is limited by resource type only.
    allow('EfsMountTargetNetworkInterfaces', ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'], arns('network-interface', 'subnet')),
  ];
}

/**
 * Image retention deregisters expired baked images and deletes their snapshots: only images and
 * snapshots that carry drover's ownership tag (and, when fleets are given, one of their names).
 * DeregisterImage with DeleteAssociatedSnapshots needs DeleteSnapshot on the snapshots too.
 */
function imageRetentionStatement(s: PolicyScope): PolicyStatement {
  const fleets = [...new Set(s.fleets.map((f) => f.name))];
  const condition = fleets.length ? allOf(RESOURCE_TAGGED, { StringEquals: { [`aws:ResourceTag/${TAG_FLEET}`]: fleets } }) : RESOURCE_TAGGED;
  return allow('Ec2RetireDroverImages', ec2(['DeregisterImage', 'DeleteSnapshot']), [...ec2OwnerlessArns(s, 'image'), ...ec2OwnerlessArns(s, 'snapshot')], condition);
}
