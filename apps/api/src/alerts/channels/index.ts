import type { AlertChannelAdapter, ChannelType } from './alert-channel';
import { EmailChannel } from './email.channel';
import { NtfyChannel } from './ntfy.channel';
import { SlackChannel } from './slack.channel';
import { WebhookChannel } from './webhook.channel';

/** Every channel adapter by type. */
export const CHANNEL_ADAPTERS: Record<ChannelType, AlertChannelAdapter> = {
  webhook: new WebhookChannel(),
  ntfy: new NtfyChannel(),
  slack: new SlackChannel(),
  email: new EmailChannel(),
};

export * from './alert-channel';
export { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook.channel';
