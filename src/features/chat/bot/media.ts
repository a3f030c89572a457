import type { Message } from 'grammy/types';
import type { Translate } from '../../../platform/i18n/translator.js';
import type { StoredMedia } from '../message.entity.js';
import type { MediaView } from '../messages.js';

/**
 * What a user's message carries, as the chat relays it (SPEC §2.3): a text; a photo, document,
 * voice message, video or sticker (relayed by file id with its caption); or something the chat
 * does not relay (a poll, a location, a contact, an audio file, a GIF…), answered clearly.
 */
export type MessageContent =
  | { kind: 'text'; text: string }
  | { kind: 'media'; media: StoredMedia; caption: string }
  | { kind: 'unsupported' };

export function contentOf(message: Message): MessageContent {
  if (message.text !== undefined) return { kind: 'text', text: message.text };
  const caption = message.caption ?? '';
  // A GIF arrives as an animation and a document at once: not one of the relayed kinds.
  if (message.animation) return { kind: 'unsupported' };
  const photo = message.photo?.at(-1);
  if (photo) return { kind: 'media', media: { type: 'photo', fileId: photo.file_id }, caption };
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
      caption,
    };
  }
  if (message.sticker)
    return { kind: 'media', media: { type: 'sticker', fileId: message.sticker.file_id }, caption: '' };
  return { kind: 'unsupported' };
}

/** "🖼 photo", "📄 plan.pdf"… in lists (inbox, history, the room screen). */
export function mediaLabel(t: Translate, media: MediaView): string {
  if (media.type === 'document') return t('chat-media-document', { name: media.fileName ?? '' });
  return t(`chat-media-${media.type}`);
}
