// The ASCII control bytes the stream framers and the keyboard-wedge decoder cut and type by.

export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const ESC = 0x1b;
