import { createHash } from 'node:crypto';

/** Hex md5 of the UTF-8 bytes: what Nacos compares config versions by (`''` for no content). */
export function md5Hex(content: string | undefined): string {
  return content === undefined ? '' : createHash('md5').update(content, 'utf8').digest('hex');
}
