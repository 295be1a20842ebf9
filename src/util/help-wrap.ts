/**
 * Help texts at the terminal's width. commander wraps a command's description and its options to
 * the width itself (the terminal's columns, 80 when not a terminal); texts added after the help it
 * prints as they are. So every help text is written as paragraphs without line breaks of its own
 * (a break would be wrapped again, leaving ragged one-word lines), and the added ones go through
 * `helpAfter`, which wraps them as commander wraps the rest.
 */
import { Help } from 'commander';

/** The width commander wraps help to: the terminal's columns, else 80. */
export function helpWidth(toStderr = false): number {
  const stream = toStderr ? process.stderr : process.stdout;
  return stream.isTTY && stream.columns > 0 ? stream.columns : 80;
}

/** `text` (paragraphs separated by newlines) wrapped at `width` columns; lines indented by two spaces stay. */
export function wrapHelp(text: string, width: number): string {
  const help = new Help();
  return text
    .split('\n')
    .map((line) => (line.startsWith('  ') ? line : help.boxWrap(line, width)))
    .join('\n');
}

/** An addHelpText('after', ...) argument: `text` wrapped at the width the help goes out at. */
export function helpAfter(text: string): (context: { error: boolean }) => string {
  return ({ error }) => wrapHelp(text, helpWidth(error));
}
