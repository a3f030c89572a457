import type { Message } from 'grammy/types';
import type { Translate } from '../../../platform/i18n/translator.js';
import { relayedEntities, type TextEntity } from '../../../platform/telegram/entities.js';
import type { StoredMedia } from '../message.entity.js';
import type { MediaView } from '../messages.js';

/**
 * What a user's message carries, as the chat relays it (SPEC §2.3): a text; a photo, document,
 * voice message, video or sticker (relayed by file id with its caption); or something the chat
 * does not relay (a poll, a location, a contact, an audio file, a GIF…), answered clearly.
 */
export type MessageContent =
  | ({ kind: 'text' } & Written)
  | ({ kind: 'media'; media: StoredMedia } & Written)
  | { kind: 'unsupported' };

/**
 * What a user wrote, as it is sent on: the text (a media message's caption, '' when it has none)
 * with its formatting (the entities kept when relaying, UTF-16 offsets into `text`), and the
 * media it came with.
 */
export interface Written {
  text: string;
  entities: TextEntity[];
  media?: StoredMedia;
}

export function contentOf(message: Message): MessageContent {
  if (message.text !== undefined) {
    return { kind: 'text', text: message.text, entities: relayedEntities(message.entities) };
  }
  const captioned = { text: message.caption ?? '', entities: relayedEntities(message.caption_entities) };
  // A GIF arrives as an animation and a document at once: not one of the relayed kinds.
  if (message.animation) return { kind: 'unsupported' };
  const photo = message.photo?.at(-1);
  if (photo) return { kind: 'media', media: { type: 'photo', fileId: photo.file_id }, ...captioned };
  const file = message.document ?? message.video ?? message.voice;
  if (file) {
    const type = message.document ? 'document' : message.video ? 'video' : 'voice';
    const fileName = 'file_name' in file ? file.file_name : undefined;
    return {
      kind: 'media',
      media: {
        type,
        fileId: file.file_id,
        ...(fileName ? { fileName: fileName.slice(0, 255) } : {}),
        ...(file.mime_type ? { mimeType: file.mime_type.slice(0, 255) } : {}),
      },
      ...captioned,
    };
  }
  if (message.sticker)
    return { kind: 'media', media: { type: 'sticker', fileId: message.sticker.file_id }, text: '', entities: [] };
  return { kind: 'unsupported' };
}

/** "🖼 photo", "📄 plan.pdf"… in lists (inbox, history, the room screen). */
export function mediaLabel(t: Translate, media: MediaView): string {
  if (media.type === 'document') return t('chat-media-document', { name: media.fileName ?? '' });
  return t(`chat-media-${media.type}`);
}
