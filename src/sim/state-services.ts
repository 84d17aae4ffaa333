/** State records for CloudWatch alarms, EFS and SQS (see state.ts). */
import type { Tags } from './state-tags';

export interface AlarmRec {
  name: string;
  arn: string;
  description?: string;
  metric: string;
  namespace: string;
  statistic: string;
  dimensions: Array<{ Name: string; Value: string }>;
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparison: string;
  actionsEnabled: boolean;
  alarmActions: string[];
  okActions: string[];
  insufficientDataActions: string[];
  treatMissingData?: string;
  unit?: string;
  tags: Tags;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason: string;
  stateReasonData?: string;
  stateUpdatedAt: number;
  configUpdatedAt: number;
  nextEvalAt: number;
  /** Most recent datapoints, oldest first (null = missing). */
  datapoints: Array<number | null>;
}

export interface FileSystemRec {
  id: string;
  arn: string;
  creationToken: string;
  createdAt: number;
  state: 'creating' | 'available' | 'deleting' | 'deleted';
  readyAt?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  performanceMode: string;
  throughputMode: string;
  tags: Tags;
}

export interface MountTargetRec {
  id: string;
  fileSystemId: string;
  subnetId: string;
  az: string;
  ip: string;
  eni: string;
  securityGroups: string[];
  state: 'creating' | 'available' | 'deleting';
  until?: number;
}

export interface MessageRec {
  id: string;
  body: string;
  md5: string;
  attributes?: Record<string, unknown>;
  md5Attributes?: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  receiptHandle?: string;
}

export interface QueueRec {
  name: string;
  url: string;
  arn: string;
  createdAt: number;
  modifiedAt: number;
  attributes: Record<string, string>;
  tags: Tags;
  messages: MessageRec[];
}
