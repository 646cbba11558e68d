import { describe, expect, it } from 'vitest';
import { createLogsInsightsSearch } from './logs-insights-search.js';

const GROUPS = ['/aws/lambda/stack-ingest', '/aws/lambda/stack-process', 'stack-Diagnose~LogGroup'];

/** Reads the console link back: the fragment's `$` escapes, then JSURL's `*` escapes. */
const decodeLink = (url: string) => {
  const fragment = decodeURIComponent(url.split('#logsV2:logs-insights')[1]!.replace(/\$/g, '%'));
  const jsurl = (s: string) => decodeURIComponent(s.slice(1).replace(/\*/g, '%'));
  const editor = /~editorString~('[^~]*)~/.exec(fragment)?.[1];
  const sources = /~source~\(((?:~'[^~)]*)*)\)\)$/.exec(fragment)?.[1];
  return {
    fragment,
    query: editor === undefined ? null : jsurl(editor),
    sources: sources === undefined ? null : sources.split('~').slice(1).map(jsurl),
  };
};

describe('createLogsInsightsSearch', () => {
  const logs = createLogsInsightsSearch({ region: 'eu-west-1', logGroupNames: GROUPS });

  it("searches every correlation id as a JSON string, and the key in the processor's warnings", () => {
    const { query } = logs.forEvent({ userId: 'u-1', eventId: 'e-1', correlationIds: ['req-3', 'req-2'] });

    expect(query.split('\n')).toEqual([
      '# every log line of event e-1 of user u-1',
      `# log groups: ${GROUPS.join(', ')}`,
      'fields @timestamp, @log, level, message, correlationId, userId, eventId, reason',
      `| filter @message like '"req-3"' or @message like '"req-2"' or (userId = 'u-1' and eventId = 'e-1')`,
      '| sort @timestamp asc',
      '| limit 10000',
    ]);
  });

  it('escapes quotes and backslashes a producer may have put in a correlation id', () => {
    const { query } = logs.forEvent({ userId: 'u-1', eventId: 'e-1', correlationIds: ["it's\\"] });

    expect(query).toContain(`@message like '"it\\'s\\\\"'`);
  });

  it('searches by the key alone when no arrival carried a correlation id', () => {
    const { query } = logs.forEvent({ userId: 'u@x.io', eventId: 'e-1', correlationIds: [] });

    expect(query).toContain(`| filter (userId = 'u@x.io' and eventId = 'e-1')`);
  });

  it('links to the console in the region, with the query and every log group, over 30 days', () => {
    const { query, url } = logs.forEvent({
      userId: 'u-1',
      eventId: 'e-1',
      correlationIds: ['Ab3=', 'x~(y)*'],
    });

    expect(
      url.startsWith(
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D~(',
      ),
    ).toBe(true);
    // Nothing in the fragment the browser would change or JSURL would misread.
    expect(url.split('#')[1]).toMatch(/^[A-Za-z0-9:$~'()*_.-]+$/);
    const link = decodeLink(url);
    expect(link.fragment).toContain("~(end~0~start~-2592000~timeType~'RELATIVE~unit~'seconds~");
    expect(link.query).toBe(query);
    expect(link.sources).toEqual(GROUPS);
  });
});
