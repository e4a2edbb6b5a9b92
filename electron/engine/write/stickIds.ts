// Fresh identities for a new stick, drawn once per write (the planner is pure and takes them).
import { randomBytes, randomUUID } from 'node:crypto';
import type { StickIds } from '../../../shared/plan/writeOptions';

const hex8 = () => randomBytes(4).toString('hex').toUpperCase();

export function newStickIds(): StickIds {
  return { fsUuid: randomUUID(), liveVolumeId: hex8(), espVolumeId: hex8(), diskSignature: hex8(), homeUuid: randomUUID() };
}
