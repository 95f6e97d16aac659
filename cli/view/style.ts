/** ANSI styling for the human views; PLAIN when not on a terminal or when NO_COLOR is set. */
import { useColour, type CliIO } from '../context.ts';

export interface Style {
  colour: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const same = (text: string) => text;

export const COLOUR_STYLE: Style = {
  colour: true,
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  red: ansi(31, 39),
  green: ansi(32, 39),
  yellow: ansi(33, 39),
  cyan: ansi(36, 39),
};

export const PLAIN_STYLE: Style = { colour: false, bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

export function styleFor(io: CliIO): Style {
  return useColour(io) ? COLOUR_STYLE : PLAIN_STYLE;
}

/** Text without ANSI sequences (for widths and tests). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
