// `perisai alert …`: alert channels, rules, the delivery log and the dispatcher (docs/alerts.md).
//
//   perisai alert channel add NAME --kind email   --smtp-host H [--smtp-port 587] [--security starttls|tls|none]
//                                   [--smtp-user U --smtp-pass-env VAR] --from ADDR [--to ADDR …] [--to-role technical …]
//   perisai alert channel add NAME --kind webhook  --url URL [--secret-env VAR]
//   perisai alert channel add NAME --kind telegram --chat-id ID --bot-token-env VAR [--base-url URL]
//   perisai alert channel add NAME --kind K --config-file FILE.json      (the whole config as JSON)
//   perisai alert channel list|remove NAME|test NAME|enable NAME|disable NAME
//   perisai alert rule add NAME --channel C … [--preset P] [--topic T …] [--agency CODE] [--no-descendants]
//                               [--min-severity S] [--port N …] [--finding-rule R …]
//   perisai alert rule list|remove NAME
//   perisai alert deliveries [--status dead]      the dead-letter queue and delivery log
//   perisai alert retry OUTBOX_ID                 requeue a dead-lettered alert
//   perisai alert dispatch [--once]               run the dispatcher in the foreground
//
//   perisai secrets status                        where the key is, how many secrets it seals
//   perisai secrets rotate-key                    seal every secret again under a new key
//
// Secrets (SMTP password, webhook HMAC key, bot token) are read from an environment variable or the
// config file, never from the command line, where `ps` and shell history would show them; listings redact them.
// The store seals them with a key kept outside the database (src/store/secrets.ts, docs/deploy.md).

import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { mailAttachments } from '../../api/office-mail.js';
import { Dispatcher, RULE_PRESETS, redactConfig, startDispatcher, testChannel, validateChannelConfig, validateRuleFilter } from '../../alerts/index.js';
import type { RuleFilter } from '../../alerts/index.js';
import { isPerisaiError } from '../../domain/errors.js';
import { SEVERITIES } from '../../domain/finding.js';
import type { AlertChannelKind, DeliveryStatus } from '../../store/index.js';
import { CliError, EXIT } from '../errors.js';
import { renderTable, storeOptions, withStore } from '../shared.js';
import type { StoreOpts } from '../shared.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function secretFromEnv(name: string | undefined, what: string): string | undefined {
  if (name === undefined) return undefined;
  const v = process.env[name];
  if (v === undefined || v === '') throw new CliError(`${what}: environment variable ${name} is not set`, EXIT.USAGE);
  return v;
}

interface ChannelAddOpts extends StoreOpts {
  kind: AlertChannelKind;
  configFile?: string;
  smtpHost?: string;
  smtpPort?: string;
  security?: string;
  smtpUser?: string;
  smtpPassEnv?: string;
  from?: string;
  to?: string[];
  toRole?: string[];
  url?: string;
  secretEnv?: string;
  chatId?: string;
  botTokenEnv?: string;
  baseUrl?: string;
  disabled?: boolean;
}

async function channelConfig(o: ChannelAddOpts): Promise<unknown> {
  if (o.configFile !== undefined) {
    try {
      return JSON.parse(await readFile(o.configFile, 'utf8')) as unknown;
    } catch (e) {
      throw new CliError(`--config-file ${o.configFile}: ${(e as NodeJS.ErrnoException).code ?? 'not valid JSON'}`, EXIT.USAGE);
    }
  }
  switch (o.kind) {
    case 'email': {
      const pass = secretFromEnv(o.smtpPassEnv, '--smtp-pass-env');
      return {
        host: o.smtpHost, port: o.smtpPort !== undefined ? Number(o.smtpPort) : undefined, security: o.security, from: o.from, to: o.to, toRoles: o.toRole,
        ...(o.smtpUser !== undefined ? { auth: { user: o.smtpUser, pass: pass ?? '' } } : {}),
      };
    }
    case 'webhook':
      return { url: o.url, secret: secretFromEnv(o.secretEnv, '--secret-env') };
    case 'telegram':
      return { chatId: o.chatId, botToken: secretFromEnv(o.botTokenEnv, '--bot-token-env') ?? '', baseUrl: o.baseUrl };
  }
}

function channelCommands(): Command {
  const channel = new Command('channel').description('alert channels: email (SMTP), webhook (JSON), Telegram');
  storeOptions(channel.command('add <name>').description('add a channel'))
    .addOption(new Option('--kind <kind>', 'channel kind').choices(['email', 'webhook', 'telegram']).makeOptionMandatory())
    .option('--config-file <file>', 'the whole channel config as JSON (may hold secrets: protect the file)')
    .option('--smtp-host <host>', 'email: SMTP server')
    .option('--smtp-port <port>', 'email: SMTP port (587 submission with STARTTLS, 465 implicit TLS)')
    .addOption(new Option('--security <mode>', 'email: starttls (default), tls, or none').choices(['starttls', 'tls', 'none']))
    .option('--smtp-user <user>', 'email: SMTP AUTH user')
    .option('--smtp-pass-env <var>', 'email: environment variable holding the SMTP password')
    .option('--from <address>', 'email: sender, e.g. "Perisai <perisai@kota.go.id>"')
    .option('--to <address>', 'email: recipient (repeatable)', collect)
    .option('--to-role <role>', 'email: also the agency contacts with this role: pic, technical, head, security, distribution (repeatable)', collect)
    .option('--url <url>', 'webhook: URL to POST the JSON alert to')
    .option('--secret-env <var>', 'webhook: environment variable holding the HMAC-SHA256 key (X-Perisai-Signature)')
    .option('--chat-id <id>', 'telegram: chat id')
    .option('--bot-token-env <var>', 'telegram: environment variable holding the bot token')
    .option('--base-url <url>', 'telegram: Bot API base URL (default https://api.telegram.org)')
    .option('--disabled', 'add it disabled')
    .action(async (name: string, o: ChannelAddOpts) => {
      await withStore(o, async (s) => {
        const config = validateChannelConfig(o.kind, await channelConfig(o));
        const c = await s.alerts.addChannel({ name, kind: o.kind, config, enabled: !o.disabled });
        process.stdout.write(`added ${c.kind} channel ${c.name} (${c.id})\n`);
      });
    });
  storeOptions(channel.command('list').description('list channels (secrets redacted)'))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: StoreOpts & { format: string }) => {
      await withStore(o, async (s) => {
        const list = (await s.alerts.listChannels()).map((c) => ({ ...c, config: redactConfig(c.kind, c.config) }));
        if (o.format === 'json') process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else process.stdout.write(renderTable(['NAME', 'KIND', 'ENABLED', 'CONFIG'], list.map((c) => [c.name, c.kind, c.enabled ? 'yes' : 'no', JSON.stringify(c.config)])));
      });
    });
  storeOptions(channel.command('remove <name>').description('remove a channel (refused while a rule uses it)')).action(async (name: string, o: StoreOpts) => {
    await withStore(o, async (s) => {
      await s.alerts.removeChannel(name);
      process.stdout.write(`removed channel ${name}\n`);
    });
  });
  for (const [cmd, enabled] of [['enable', true], ['disable', false]] as const) {
    storeOptions(channel.command(`${cmd} <name>`).description(`${cmd} a channel`)).action(async (name: string, o: StoreOpts) => {
      await withStore(o, async (s) => {
        await s.alerts.setChannelEnabled(name, enabled);
        process.stdout.write(`${cmd}d channel ${name}\n`);
      });
    });
  }
  storeOptions(channel.command('test <name>').description('send a sample alert to a channel now')).action(async (name: string, o: StoreOpts) => {
    await withStore(o, async (s) => {
      try {
        process.stdout.write(`test alert sent to ${name}: ${await testChannel(s, name)}\n`);
      } catch (e) {
        if (isPerisaiError(e)) throw e;
        throw new CliError(`test alert to ${name} failed: ${(e as Error).message}`, EXIT.OUTPUT);
      }
    });
  });
  return channel;
}

interface RuleAddOpts extends StoreOpts {
  channel: string[];
  preset?: string;
  topic?: string[];
  agency?: string;
  descendants: boolean;
  minSeverity?: string;
  port?: string[];
  findingRule?: string[];
  disabled?: boolean;
}

function ruleCommands(): Command {
  const rule = new Command('rule').description('alert rules: which changes go to which channels');
  storeOptions(rule.command('add <name>').description('add a rule'))
    .requiredOption('--channel <name>', 'channel to deliver to (repeatable)', collect)
    .addOption(new Option('--preset <preset>', 'start from a preset').choices(Object.keys(RULE_PRESETS)))
    .option('--topic <topic>', 'outbox topic, e.g. finding.opened, change.port-opened, finding.* (repeatable)', collect)
    .option('--agency <code>', 'only this agency and its units')
    .option('--no-descendants', 'with --agency: the agency itself only, not its units')
    .addOption(new Option('--min-severity <severity>', 'at least this severe').choices([...SEVERITIES]))
    .option('--port <port>', 'only these ports (repeatable)', collect)
    .option('--finding-rule <id>', 'only findings of this rule, e.g. doublepulsar (repeatable)', collect)
    .option('--disabled', 'add it disabled')
    .action(async (name: string, o: RuleAddOpts) => {
      await withStore(o, async (s) => {
        const base: Partial<RuleFilter> = o.preset !== undefined ? { ...RULE_PRESETS[o.preset] } : {};
        const raw: Record<string, unknown> = { ...base };
        if (o.topic !== undefined) raw.topics = o.topic;
        if (o.agency !== undefined) raw.agencyId = (await s.agencies.getByCode('all', o.agency)).id;
        if (o.agency !== undefined && !o.descendants) raw.includeDescendants = false;
        if (o.minSeverity !== undefined) raw.minSeverity = o.minSeverity;
        if (o.port !== undefined) raw.ports = o.port.map(Number);
        if (o.findingRule !== undefined) raw.findingRules = o.findingRule;
        const filter = validateRuleFilter(raw);
        const ids = [];
        for (const c of o.channel) ids.push((await s.alerts.getChannel(c)).id);
        const r = await s.alerts.addRule({ name, filter, channelIds: ids, enabled: !o.disabled });
        process.stdout.write(`added rule ${r.name} (${r.id})\n`);
      });
    });
  storeOptions(rule.command('list').description('list rules'))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: StoreOpts & { format: string }) => {
      await withStore(o, async (s) => {
        const names = new Map((await s.alerts.listChannels()).map((c) => [c.id, c.name]));
        const list = (await s.alerts.listRules()).map((r) => ({ ...r, channels: r.channelIds.map((id) => names.get(id) ?? id) }));
        if (o.format === 'json') process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else process.stdout.write(renderTable(['NAME', 'ENABLED', 'CHANNELS', 'FILTER'], list.map((r) => [r.name, r.enabled ? 'yes' : 'no', r.channels.join(','), JSON.stringify(r.filter)])));
      });
    });
  storeOptions(rule.command('remove <name>').description('remove a rule')).action(async (name: string, o: StoreOpts) => {
    await withStore(o, async (s) => {
      await s.alerts.removeRule(name);
      process.stdout.write(`removed rule ${name}\n`);
    });
  });
  return rule;
}

export function alertCommand(): Command {
  const alert = new Command('alert').description('alerts: channels, rules, deliveries and the dispatcher');
  alert.addCommand(channelCommands());
  alert.addCommand(ruleCommands());
  storeOptions(alert.command('deliveries').description('delivery log; --status dead is the dead-letter queue'))
    .addOption(new Option('--status <status>', 'only this status').choices(['sending', 'sent', 'failed', 'dead']))
    .option('--limit <n>', 'at most this many', '100')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: StoreOpts & { status?: DeliveryStatus; limit: string; format: string }) => {
      await withStore(o, async (s) => {
        const names = new Map((await s.alerts.listChannels()).map((c) => [c.id, c.name]));
        const list = await s.alerts.listDeliveries({ ...(o.status !== undefined ? { status: o.status } : {}), limit: Number(o.limit) || 100 });
        if (o.format === 'json') process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else process.stdout.write(renderTable(['OUTBOX', 'TOPIC', 'CHANNEL', 'STATUS', 'ATTEMPTS', 'UPDATED', 'ERROR'], list.map((d) => [String(d.outboxId), d.topic, names.get(d.channelId) ?? d.channelId, d.status, String(d.attempts), d.updatedAt, d.lastError ?? ''])));
      });
    });
  storeOptions(alert.command('retry <outboxId>').description('requeue a dead-lettered alert (channels that got it are not sent to again)')).action(async (id: string, o: StoreOpts) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`retry: ${id} is not an outbox id`, EXIT.USAGE);
    await withStore(o, async (s) => {
      const k = await s.alerts.requeue(n);
      process.stdout.write(`requeued alert ${n} (${k} dead deliveries)\n`);
    });
  });
  storeOptions(alert.command('dispatch').description('run the alert dispatcher in the foreground (perisai serve runs it too)'))
    .option('--once', 'process what is pending now, then exit')
    .action(async (o: StoreOpts & { once?: boolean }) => {
      await withStore(o, async (s) => {
        const log = (l: string) => void process.stderr.write(`${l}\n`);
        if (o.once) {
          const d = new Dispatcher(s, { log, attachments: mailAttachments(s) });
          let total = 0;
          for (;;) {
            const r = await d.runOnce();
            total += r.sent;
            if (r.claimed === 0) break;
          }
          process.stdout.write(`sent ${total}\n`);
          return;
        }
        const running = startDispatcher(s, { log, attachments: mailAttachments(s) });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await running.stop();
      });
    });
  return alert;
}

/**
 * `perisai secrets status|rotate-key`. Rotation with a key file: (1) a new key is added first in the file,
 * the old ones kept; (2) every secret is sealed again with it, in one transaction; (3) the old keys are
 * dropped. A crash between the steps leaves a file that still opens everything, and running the command
 * again finishes the job. With PERISAI_SECRET_KEY the operator puts the new key first (the old one after a
 * comma) and runs it; the variable is theirs to change back.
 */
function secretsCommand(): Command {
  const cmd = new Command('secrets').description('the key that encrypts the alert channels\' secrets in the database');
  cmd.addCommand(storeOptions(new Command('status'))
    .description('where the key is and how many stored secrets it seals')
    .action(async (o: StoreOpts) => {
      await withStore(o, async (s) => {
        const st = await s.alerts.secretStatus();
        const keys = s.secrets.keyIds();
        process.stdout.write(`kunci / key: ${s.secrets.describe()}${keys.length > 0 ? ` (id ${keys.join(', ')}; the first seals new secrets)` : ' (not created yet: made when the first secret is stored)'}\n`);
        process.stdout.write(`rahasia tersegel / sealed secrets: ${st.sealed}${Object.keys(st.byKey).length > 0 ? ` (${Object.entries(st.byKey).map(([k, n]) => `${n} with ${k}`).join(', ')})` : ''}; teks biasa / plain text: ${st.plaintext}\n`);
      });
    }));
  cmd.addCommand(storeOptions(new Command('rotate-key'))
    .description('seal every stored secret again under a new key (a new key file entry, or the first key of PERISAI_SECRET_KEY)')
    .action(async (o: StoreOpts) => {
      await withStore(o, async (s) => {
        const fromFile = s.secrets.source.kind === 'file';
        const id = fromFile ? s.secrets.addKey() : s.secrets.currentKeyId();
        const n = await s.alerts.resealAll();
        s.secrets.dropOldKeys();
        process.stdout.write(`${n} kanal disegel ulang dengan kunci ${id} / ${n} channel(s) sealed again with key ${id}${fromFile ? '' : '; remove the old key from PERISAI_SECRET_KEY now'}\n`);
      });
    }));
  return cmd;
}

/** Register `perisai alert …` and `perisai secrets …` on the program (src/cli/main.ts). */
export function addAlertCommands(program: Command): void {
  // Errors come back to main() (exit codes) instead of commander calling process.exit.
  const deep = (c: Command): void => {
    c.exitOverride();
    for (const sub of c.commands) deep(sub);
  };
  for (const c of [alertCommand(), secretsCommand()]) {
    deep(c);
    program.addCommand(c);
  }
}
