import type { ComponentChildren } from 'preact';

/** A failure the user should read; announced by screen readers. */
export function ErrorNotice({ error }: { readonly error: Error | string | undefined }) {
  if (error === undefined) return null;
  return (
    <p class="notice notice-error" role="alert">
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}

/** A quiet confirmation ("Published."). */
export function StatusNotice({ children }: { readonly children?: ComponentChildren }) {
  if (children === undefined || children === null || children === '') return null;
  return (
    <p class="notice notice-ok" role="status">
      {children}
    </p>
  );
}
