import { describe, expect, it } from 'vitest';
import { PliError } from '../../shared/errors';
import { policyContext, routingDoctors, validatePractice, type PracticeSetup } from './practice';

const doctor = (id: string, apicryptId: string, rpps?: string) => ({ id, firstName: 'Anne', surname: id.toUpperCase(), apicryptId, ...(rpps ? { rpps } : {}) });
const base: PracticeSetup = { mode: 'group', groupKeyOwner: 'cabinet.TEST', doctors: [doctor('a', 'anne.A', '10100000001'), doctor('b', 'anne.B')], staff: [{ id: 's', name: 'Secrétariat' }] };

function code(input: unknown): string {
  try {
    validatePractice(input);
  } catch (e) {
    if (e instanceof PliError) return e.code + ' ' + e.message_fr;
    throw e;
  }
  return 'ok';
}

describe('validatePractice', () => {
  it('accepts a group practice and derives the routing and policy views', () => {
    const s = validatePractice({ ...base, doctors: [{ ...base.doctors[0]!, delegates: ['b'] }, base.doctors[1]!] });
    expect(routingDoctors(s).map((d) => d.apicryptId)).toEqual(['anne.A', 'anne.B']);
    expect(policyContext(s).delegations).toEqual({ a: ['b'], b: [] });
    expect(policyContext(s).cards.a).toEqual({ rpps: '10100000001' });
  });

  it('refuses what would make routing or signing unsafe, in French', () => {
    expect(code({ ...base, groupKeyOwner: undefined })).toMatch(/^practice_setup_invalid .*clef de groupe/);
    expect(code({ ...base, mode: 'individual' })).toMatch(/exactement un médecin/);
    expect(code({ ...base, doctors: [doctor('a', 'anne.A'), doctor('b', 'ANNE.a')] })).toMatch(/APICRYPT « anne\.a »/);
    expect(code({ ...base, doctors: [doctor('a', 'anne.A', '10100000001'), doctor('b', 'anne.B', '10100000001')] })).toMatch(/RPPS/);
    expect(code({ ...base, doctors: [doctor('a', 'anne.A', '123')] })).toMatch(/^practice_setup_invalid/);
    expect(code({ ...base, doctors: [{ ...doctor('a', 'anne.A'), delegates: ['zz'] }] })).toMatch(/délégation/);
    expect(code({ ...base, doctors: [doctor('a_trier', 'anne.A')] })).toMatch(/réservé/);
  });
});
