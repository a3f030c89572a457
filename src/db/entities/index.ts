import { SigningKey } from './signing-key.entity.js';
import { User } from './user.entity.js';

export * from './user.entity.js';
export { SigningKey, User };

/** Every entity, for the ORM config. Add new entities here. */
export const entities = [User, SigningKey];
