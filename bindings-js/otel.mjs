import m from './otel.cjs';

export const { MaskingSpanProcessor, MaskingLogRecordProcessor, maskSpan, maskAttributes, langfuseMask } = m;
export default m;
