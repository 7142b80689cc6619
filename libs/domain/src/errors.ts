/**
 * A broken business rule. `code` is what callers switch on; one exception filter in the API maps codes
 * to HTTP statuses (see DOMAIN_ERROR_STATUS in apps/api). `field` names the input at fault, when one is.
 */
export type DomainErrorCode =
  | 'ALREADY_EXISTS' // 409: an entity with this id exists
  | 'NOT_FOUND' // 404: the addressed entity does not exist
  | 'UNKNOWN_REFERENCE' // 422: a referenced entity (parentId, campaignId, activityId, orgUnitId) does not exist
  | 'INVALID_REFERENCE' // 422: a reference exists but may not be used here (e.g. campaign outside the org subtree)
  | 'INVALID_VALUE' // 422: well-formed input that a rule refuses (endsOn before startsOn, empty correction)
  | 'ALREADY_VOIDED' // 409
  | 'INVALID_TRANSITION' // 409: e.g. verifying a rejected hour entry
  | 'REFUND_EXCEEDS_DONATION' // 409
  | 'DISTRIBUTION_EXCEEDS_DONATION' // 409: more of a donated item than remains undistributed
  | 'INSUFFICIENT_BALANCE' // 409: disbursement or refund larger than the campaign's money balance
  | 'DUPLICATE_ENTRY' // 409: an entry/refund id already used inside its stream
  | 'PERIOD_LOCKED' // 409: a new fact dated inside a month locked for its org subtree
  | 'PERIOD_ALREADY_LOCKED' // 409: the month is already locked for the unit or one of its ancestors
  | 'ALREADY_ERASED' // 409: the volunteer's personal data was already erased
  | 'ALREADY_MATCHED' // 409: the bank line, or the donation, is matched already
  | 'NOT_MATCHED' // 409: unmatching a line and donation that are not matched to each other
  | 'VOLUNTEER_ERASED' // 409: the volunteer's name is erased, and what was asked must name them (a certificate)
  | 'NO_VERIFIED_HOURS'; // 409: a service record certificate asked for a period without verified hours

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
