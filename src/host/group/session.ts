import type { Actor } from '../../core/routing/policy';
import type { Person } from '../profile/people';

/** The policy's actor for a signed-in person. */
export function actorOf(p: Person): Actor {
  return { id: p.id, name: p.name, role: p.role, ...(p.doctorId !== undefined ? { doctorId: p.doctorId } : {}) };
}
