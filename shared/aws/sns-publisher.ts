/** The SnsPublisher port (shared/core/ports/notifications.ts) on SNS Publish; the client is built on first use. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SnsPublisher } from '../core/ports/notifications.ts';

export function snsPublisher(client: () => SNSClient = () => new SNSClient({})): SnsPublisher {
  let sns: SNSClient | undefined;
  return {
    async publish(topicArn, subject, message) {
      sns ??= client();
      await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
    },
  };
}
