/**
 * Trigger idempotency: before a push deploys a group, the trigger claims `<artifact>#<group>`.
 * The same artifact twice finds the claim and starts nothing; a claim whose holder died (its
 * lease ran out) or that failed may be taken again, keeping its execution name.
 */
export type TriggerStatus = 'claimed' | 'started' | 'failed';

export interface TriggerItem {
  pk: string;
  sk: 'TRIGGER';
  key: string;
  group: string;
  artifact: string;
  executionName: string;
  status: TriggerStatus;
  claimedAt: string;
  /** Epoch ms: a `claimed` item older than this may be taken over. */
  leaseUntil: number;
  /** Epoch seconds: when the table forgets it. */
  ttl: number;
  executionArn?: string;
  deploymentId?: string;
  version?: string;
  error?: string;
}

export type Claim = { claimed: TriggerItem } | { duplicate: TriggerItem };

export interface ClaimInput {
  key: string;
  group: string;
  artifact: string;
  /** Used when the key was never claimed. */
  executionName: string;
  now: number;
  leaseSeconds: number;
}

export type TriggerOutcome = { status: 'started'; executionArn: string; deploymentId: string; version: string } | { status: 'failed'; error: string };

export interface TriggerClaims {
  claim(input: ClaimInput): Promise<Claim>;
  /** Records how a claim ended (a failure frees it for a retry). */
  settle(key: string, outcome: TriggerOutcome): Promise<void>;
}
