import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** The page's heading, mirrored in the document title. */
export function PageTitle({
  title,
  children,
}: {
  readonly title: string;
  readonly children?: ComponentChildren;
}) {
  useEffect(() => {
    document.title = `${title} · reg console`;
  }, [title]);
  return (
    <div class="page-title">
      <h1>{title}</h1>
      {children}
    </div>
  );
}
