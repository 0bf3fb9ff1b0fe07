import { type Message, MessageType, messageTypeName } from '../../src/core/messages.js';
import type { Ready } from '../../src/core/raw-node.js';
import type { Entry } from '../../src/core/types.js';

const dec = new TextDecoder();

/** `term/index` plus the payload as text (or `(empty)`) and the type when not normal. */
export function describeEntry(e: Entry): string {
  const data = e.data.byteLength === 0 ? '(empty)' : JSON.stringify(dec.decode(e.data));
  return `${e.term}/${e.index}${e.type === 0 ? '' : ' ConfChange'} ${data}`;
}

/** One line per message, in etcd's spirit: `1->2 App Term:1 Log:1/2 Commit:1 Entries:[...]`. */
export function describeMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${messageTypeName(m.type)} Term:${m.term}`];
  if (m.type === MessageType.AppResp || m.type === MessageType.ReadIndexResp) {
    // An answer names an index (accepted up to, or the rejected append's); logTerm goes with the hint.
    parts.push(`Index:${m.index}`);
  } else if (m.logTerm !== 0 || m.index !== 0) parts.push(`Log:${m.logTerm}/${m.index}`);
  if (m.commit !== 0) parts.push(`Commit:${m.commit}`);
  if (m.reject)
    parts.push(
      `Rejected (Hint: ${m.rejectHint}${m.type === MessageType.AppResp ? `, term ${m.logTerm}` : ''})`,
    );
  if (m.entries.length > 0) parts.push(`Entries:[${m.entries.map(describeEntry).join(', ')}]`);
  if (m.context !== undefined) parts.push(`Context:${JSON.stringify(dec.decode(m.context))}`);
  if (m.snapshot !== undefined) parts.push(`Snapshot:${m.snapshot.term}/${m.snapshot.index}`);
  return parts.join(' ');
}

/** A Ready, field by field, indented under the node that produced it. */
export function describeReady(id: number, rd: Ready): string[] {
  const out = [`> ${id} handling Ready`];
  if (rd.softState !== undefined) out.push(`  Lead:${rd.softState.lead} State:${rd.softState.role}`);
  if (rd.hardState !== undefined) {
    out.push(`  HardState Term:${rd.hardState.term} Vote:${rd.hardState.vote} Commit:${rd.hardState.commit}`);
  }
  if (rd.entries.length > 0) out.push('  Entries:', ...rd.entries.map((e) => `  ${describeEntry(e)}`));
  if (rd.committedEntries.length > 0) {
    out.push('  CommittedEntries:', ...rd.committedEntries.map((e) => `  ${describeEntry(e)}`));
  }
  if (rd.messages.length > 0) out.push('  Messages:', ...rd.messages.map((m) => `  ${describeMessage(m)}`));
  if (rd.readStates.length > 0) {
    out.push(
      '  ReadStates:',
      ...rd.readStates.map((r) => `  ${JSON.stringify(dec.decode(r.context))} index=${r.index}`),
    );
  }
  return out;
}
