// alertmanager.yml from the alerts' routing module, refusing secrets written inline: receivers must read
// them from files (routing_key_file, api_url_file, …) so the committed out/ never holds one.

import type { Problem } from './problems.ts';
import { generatedHeader, renderYaml } from './stable-render.ts';

export const ALERTMANAGER_PATH = 'alertmanager/alertmanager.yml';

/** Alertmanager keys that hold a secret inline; each has a `<key>_file` (or credentials_file) twin. */
const INLINE_SECRET_KEYS = new Set([
  'routing_key',
  'service_key',
  'api_url',
  'api_key',
  'auth_password',
  'password',
  'bearer_token',
  'credentials',
  'client_secret',
  'auth_token',
  'bot_token',
  'token',
  'webhook_url',
  'url_secret',
]);

export function inlineSecretProblems(module: string, config: unknown): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, `${path}[${index}]`);
      });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const where = path === '' ? key : `${path}.${key}`;
      if (INLINE_SECRET_KEYS.has(key) && typeof inner === 'string') {
        problems.push({
          module,
          item: 'alertmanager config',
          message: `${where} holds a secret inline`,
          hint: `read it from a file: ${key === 'credentials' ? 'credentials_file' : `${key}_file`}`,
        });
      }
      visit(inner, where);
    }
  };
  visit(config, '');
  return problems;
}

export function renderAlertmanagerConfig(module: string, config: Readonly<Record<string, unknown>>): string {
  return renderYaml(config, [
    ...generatedHeader([module]),
    'Secrets are read from files (routing_key_file, api_url_file): create them on the Alertmanager host.',
    'Check it with: amtool check-config alertmanager.yml',
  ]);
}
