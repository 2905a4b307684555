import { AlertChannelStore } from './alert-channel.store';
import { AlertMuteStore } from './alert-mute.store';
import { AlertRulesFile } from './alert-rules.file';
import { AlertStore } from './alert.store';

/** The catalog's alert providers: alerts and history, mutes, channels, the rules file. */
export const ALERT_PROVIDERS = [AlertStore, AlertMuteStore, AlertChannelStore, AlertRulesFile];
