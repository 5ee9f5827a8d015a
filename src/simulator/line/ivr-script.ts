/**
 * The default PPS IVR script as data: greeting and disclosures, then "individual or business" (1 or 2),
 * then the topic menu where 2 queues for an assistor. The prior MVP's script - 1 at once, 2 about 45 s
 * later - therefore reaches hold (the 1 waits in the type-ahead buffer while the disclosures play).
 */
import type { IvrMenu } from './scenario.ts';

export const defaultIvrMenus: IvrMenu[] = [
  {
    id: 'account-type',
    promptFixture: 'ivr-menu-account-type',
    options: [
      { digit: '1', next: 'topic', label: 'individual account (IMF sites)' },
      { digit: '2', next: 'topic', label: 'business account (BMF sites)' },
    ],
    repeatDigit: null,
    timeoutMs: 10_000,
    repeats: 2,
  },
  {
    id: 'topic',
    promptFixture: 'ivr-menu-topic',
    options: [{ digit: '2', next: 'queue', label: 'notice or account question: queue for an assistor' }],
    repeatDigit: '9',
    timeoutMs: 10_000,
    repeats: 2,
  },
];

export const IVR_GREETING_FIXTURES = ['ivr-greeting', 'ivr-disclosures'] as const;
