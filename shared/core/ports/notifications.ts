/** What delivering notifications needs (shared/tasks/notify.ts); adapters in shared/aws/. */

/** POSTs a JSON body; resolves with the HTTP status, rejects when no answer came (network, timeout). */
export interface HttpPoster {
  postJson(url: string, body: string): Promise<{ status: number }>;
}

/** Publishes one message to an SNS topic; rejects with the service's error. */
export interface SnsPublisher {
  publish(topicArn: string, subject: string, message: string): Promise<void>;
}

/** Reads what notifications need of a deployment's record. */
export interface NotificationRecords {
  get(deploymentId: string): Promise<{ rolledBackAt?: string; request: { notifications?: unknown[] } } | undefined>;
}
