// A live image's directory on the stick (rd.live.dir): one path component, no traversal.
import { z } from 'zod';

export const LiveDir = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a directory name of letters, digits, ".", "_" and "-"');
