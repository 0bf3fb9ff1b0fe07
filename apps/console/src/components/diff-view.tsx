import { diffStats, lineDiff } from '../lib/line-diff.js';

export interface DiffViewProps {
  readonly oldText: string;
  readonly newText: string;
  readonly oldLabel: string;
  readonly newLabel: string;
}

const MARK = { same: ' ', removed: '-', added: '+' } as const;

/** A unified line diff with line numbers on both sides. */
export function DiffView({ oldText, newText, oldLabel, newLabel }: DiffViewProps) {
  const lines = lineDiff(oldText, newText);
  const { added, removed } = diffStats(lines);
  return (
    <figure class="diff">
      <figcaption>
        <span class="diff-old">- {oldLabel}</span> <span class="diff-new">+ {newLabel}</span>{' '}
        <span class="diff-stats">
          {added} added, {removed} removed
        </span>
      </figcaption>
      {lines.length === 0 ? (
        <p>Both are empty.</p>
      ) : (
        <section class="scroll" aria-label="Differences">
          <table class="diff-table">
            <tbody>
              {lines.map((line, index) => (
                <tr key={index} class={`diff-${line.kind}`}>
                  <td class="diff-num">{line.oldLine ?? ''}</td>
                  <td class="diff-num">{line.newLine ?? ''}</td>
                  <td class="diff-text">
                    <span aria-hidden="true">{MARK[line.kind]} </span>
                    {line.kind !== 'same' && <span class="sr-only">{line.kind}: </span>}
                    {line.text}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </figure>
  );
}
