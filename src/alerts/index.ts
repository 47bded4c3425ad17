// Alerts: rules as data route outbox messages to email, webhook and Telegram channels.
export { Dispatcher, backoffMs, startDispatcher, testChannel } from './dispatcher.js';
export type { DispatcherOptions, RoundResult, RunningDispatcher } from './dispatcher.js';
export { DeliveryError, redactConfig, signBody, validateChannelConfig, webhookBody } from './channels.js';
export type { ChannelConfig, EmailConfig, TelegramConfig, WebhookConfig } from './channels.js';
export { RULE_PRESETS, ruleMatches, validateRuleFilter } from './rules.js';
export type { RuleFilter } from './rules.js';
export { escapeHtml, renderAlert } from './render.js';
export type { AlertContext, RenderedAlert } from './render.js';
