import { SigningKey } from './signing-key.entity.js';
import { User } from './user.entity.js';

export { SigningKey, User };
export * from './user.entity.js';

/** Every entity, for the ORM config. Add new entities here. */
export const entities = [User, SigningKey];
