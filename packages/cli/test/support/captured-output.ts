/** An output stream for a command under test: it records what was written, and is no terminal. */
export const captured = () => {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text) > 0, isTTY: false, text: () => chunks.join('') };
};
