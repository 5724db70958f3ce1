import type { HostContext } from '../context';
import type { HandlerGroup } from './types';

/**
 * Timing marks from the renderer, turned into the events that tests and benchmarks wait on.
 * The first "inbox interactive" of the process counts from the process start (Node's clock starts
 * there), less the time the person spent typing their password; later ones (a reloaded page) count
 * from the page's own start, as the renderer measured.
 */
export function uiHandlers(ctx: HostContext): HandlerGroup {
  let firstInbox = true;
  return {
    'ui.mark': ({ name, ms, userWaitMs }) => {
      if (name === 'inbox_interactive') {
        const fromProcessStart = firstInbox ? Math.max(0, performance.now() - (userWaitMs ?? 0)) : undefined;
        firstInbox = false;
        const value = fromProcessStart ?? ms;
        ctx.emit('timing', { name: 'ui.inbox_interactive_ms', ms: value });
        ctx.log.info('timing', { name, ms: Math.round(value), pageMs: Math.round(ms), fromProcessStart: fromProcessStart !== undefined });
      } else {
        ctx.emit('timing', { name: 'ui.search_ms', ms });
        ctx.log.info('timing', { name, ms: Math.round(ms) });
      }
      return { ok: true as const };
    },
  };
}
