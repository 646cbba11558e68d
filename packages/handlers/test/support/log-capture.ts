import { createLogger, type Logger } from '../../src/index.js';

/** A logger writing to memory, and the entries it wrote (parsed) and their raw text. */
export const captureLogs = (): { logger: Logger; entries: Record<string, unknown>[]; text: () => string } => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
  return {
    logger,
    get entries() {
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => lines.join(''),
  };
};
