import { useEffect, useState } from 'preact/hooks';

/** The namespace the services and configs pages show; public (`''`) until another is chosen. */
const KEY = 'reg.console.namespace';
const listeners = new Set<() => void>();

export function chosenNamespace(): string {
  return localStorage.getItem(KEY) ?? '';
}

export function chooseNamespace(id: string): void {
  localStorage.setItem(KEY, id);
  for (const listener of listeners) listener();
}

export function useNamespace(): string {
  const [id, setId] = useState(chosenNamespace);
  useEffect(() => {
    const update = () => setId(chosenNamespace());
    listeners.add(update);
    return () => listeners.delete(update);
  }, []);
  return id;
}
