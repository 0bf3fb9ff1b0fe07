import { ClientError } from '../errors.js';
import type { ConfigKey } from './config-key.js';

/** Nacos' separators inside `Listening-Configs` and the listener answer. */
const WORD = '\u0002';
const LINE = '\u0001';

/**
 * The `Listening-Configs` parameter: per config `dataId WORD group WORD md5 [WORD tenant] LINE`
 * (md5 `''` when the client has no content).
 */
export function encodeListeningConfigs(entries: ReadonlyArray<ConfigKey & { readonly md5: string }>): string {
  return entries
    .map((e) => [e.dataId, e.group, e.md5, ...(e.tenant === '' ? [] : [e.tenant])].join(WORD) + LINE)
    .join('');
}

/**
 * The listener answer: the URL-encoded `dataId WORD group [WORD tenant] LINE` records of the
 * configs that changed, then a newline; an empty body when nothing did.
 */
export function decodeChangedConfigs(body: string): Array<{ dataId: string; group: string; tenant: string }> {
  const text = body.trim();
  if (text === '') return [];
  let decoded: string;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (cause) {
    throw new ClientError('CLIENT_BAD_RESPONSE', 'listener answer is not URL-encoded', { cause });
  }
  return decoded
    .split(LINE)
    .filter((line) => line !== '')
    .map((line) => {
      const [dataId = '', group = '', tenant = ''] = line.split(WORD);
      return { dataId, group, tenant };
    })
    .filter((c) => c.dataId !== '' && c.group !== '');
}
