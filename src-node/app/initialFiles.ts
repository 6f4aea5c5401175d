import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileKind } from '../../shared/api/contract';
import { openDemo } from './bundledDemo';
import type { HostContext } from './hostContext';
import { toErrorPayload } from './serviceError';
import type { Session } from './session';

/** A file to open, by kind. */
interface FileToOpen {
  kind: FileKind;
  path: string;
}

/**
 * What sessions open first: the command line's files (`openInitial(paths)`); else the project's
 * last files; else, once `openInitial([])` asked for it, the bundled demo. Failures are logged
 * (a project file that no longer opens is forgotten from project.json), never fatal.
 */
export class InitialFiles {
  /** The command line's files (null until `openInitial` named some). */
  private initial: FileToOpen[] | null = null;
  private demoWhenEmpty = false;

  constructor(private readonly ctx: HostContext) {}

  /** Opens a new session's first files, then pushes its state. */
  async openFirst(session: Session): Promise<void> {
    const { store, log } = this.ctx;
    const files = this.initial ?? this.projectCurrent();
    await session.exclusive(async () => {
      if (files.length === 0 && this.demoWhenEmpty) await this.tryOpenDemo(session);
      for (const f of files) {
        try {
          await session.openPath(f.kind, f.path);
        } catch (e) {
          log(`could not open the ${f.kind} ${f.path}: ${toErrorPayload(e).message}`);
          if (!this.initial && !store.readOnly) store.setCurrent({ [f.kind]: null });
        }
      }
    });
    session.changed();
  }

  /**
   * Takes the command line's files (the first file the image, a second the label map, a folder
   * the model; an empty list asks for the demo where nothing else opens) and opens them in every
   * session of `live` (the demo where it has no image yet).
   */
  async openInitial(paths: string[], live: Session[]): Promise<void> {
    const { log } = this.ctx;
    const files: FileToOpen[] = [];
    let sawImage = false;
    for (const p of paths) {
      const path = resolve(p);
      let kind: FileKind;
      try {
        kind = statSync(path).isDirectory() ? 'model' : sawImage ? 'label' : 'image';
      } catch {
        log(`${p}: no such file or folder`);
        continue;
      }
      if (kind === 'image') sawImage = true;
      files.push({ kind, path });
    }
    if (paths.length > 0) this.initial = files;
    else this.demoWhenEmpty = true;
    await Promise.all(
      live.map((session) =>
        session.exclusive(async () => {
          if (files.length === 0 && !session.image) await this.tryOpenDemo(session);
          for (const f of files) {
            try {
              await session.openPath(f.kind, f.path);
            } catch (e) {
              log(`could not open ${f.path} as the ${f.kind}: ${toErrorPayload(e).message}`);
            }
          }
          session.changed();
        }),
      ),
    );
  }

  /** The project's open files when it was last used (project.json). */
  private projectCurrent(): FileToOpen[] {
    const current = this.ctx.store.current;
    return (['image', 'label', 'model'] as const).filter((k) => current[k]).map((k) => ({ kind: k, path: current[k]! }));
  }

  /** Opens the bundled demo; a failure is logged. */
  private async tryOpenDemo(session: Session): Promise<void> {
    try {
      await openDemo(this.ctx, session);
    } catch (e) {
      this.ctx.log(`could not open the bundled demo: ${toErrorPayload(e).message}`);
    }
  }
}
