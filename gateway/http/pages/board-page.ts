// The machines board (the wall screen): an empty frame that /assets/board.js fills from the live feed.
// The texts it needs travel in the page's data block, in the page's language.
import { esc } from '../../report/format.js';
import { type Locale, messagesWithPrefix, t } from '../../report/i18n.js';

/** The message groups the board's script uses. */
export const BOARD_MESSAGE_PREFIXES = ['board.', 'type.', 'phase.', 'verdict.', 'criterion.', 'frame.'] as const;

export function boardData(locale: Locale): Record<string, unknown> {
  return { locale, messages: messagesWithPrefix(locale, BOARD_MESSAGE_PREFIXES) };
}

export function renderBoardBody(locale: Locale): string {
  return `<div id="offline" class="offline" hidden>${esc(t(locale, 'frame.offline'))}</div>
<section id="board" class="board" aria-live="polite" data-state="connecting"><p class="connecting">${esc(t(locale, 'frame.loading'))}</p></section>
<section id="peripherals" class="peripherals" hidden><h2>${esc(t(locale, 'board.peripherals'))}</h2><div class="chips"></div></section>`;
}
