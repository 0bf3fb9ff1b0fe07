import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { StreamLanguage } from '@codemirror/language';
import { properties } from '@codemirror/legacy-modes/mode/properties';
import { Compartment, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { Component, type RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** Highlighting by config type; other types are edited as plain text. */
function languageFor(type: string): Extension {
  if (type === 'json') return json();
  if (type === 'yaml') return yaml();
  if (type === 'properties') return StreamLanguage.define(properties);
  return [];
}

export interface CodeEditorProps {
  /**
   * The text the editor starts with. The editor owns the text from then on: feeding every
   * change back as a prop would race with typing (effects run a frame late) and undo keys.
   */
  readonly initialValue: string;
  readonly type: string;
  readonly labelId: string;
  readonly onChange: (value: string) => void;
}

/**
 * CodeMirror 6 with the config's language. Tab is left to the browser (basicSetup binds no
 * Tab), so keyboard users can move past the editor.
 */
export function CodeEditor({ initialValue, type, labelId, onChange }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const language = useRef(new Compartment());
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      doc: initialValue,
      extensions: [
        basicSetup,
        language.current.of(languageFor(type)),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-labelledby': labelId, 'aria-multiline': 'true' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) changed.current(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    return () => editor.destroy();
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(languageFor(type)) });
  }, [type]);

  return <EditorHost hostRef={host} language={type} />;
}

/**
 * The element CodeMirror renders into. It never re-renders: Preact would otherwise diff the
 * children CodeMirror put there against none and fight the editor over its own DOM.
 */
class EditorHost extends Component<{ hostRef: RefObject<HTMLDivElement | null>; language: string }> {
  override shouldComponentUpdate(next: {
    hostRef: RefObject<HTMLDivElement | null>;
    language: string;
  }): boolean {
    next.hostRef.current?.setAttribute('data-language', next.language);
    return false;
  }

  override render() {
    return <div class="code-editor" ref={this.props.hostRef} data-language={this.props.language} />;
  }
}
