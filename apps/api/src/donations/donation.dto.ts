import {
  DONATION_KINDS, DONOR_KINDS, PAYMENT_METHODS, type DonationKind, type DonorKind, type PaymentMethod,
} from '@tongxin/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsString, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { ID_PATTERN, IsCalendarDate, MAX_COUNT, MAX_MONEY, Optional, Text } from '../http/validators';

export class DonorDto {
  @Text(200)
  name!: string;

  @IsIn(DONOR_KINDS)
  kind!: DonorKind;

  @Optional() @IsBoolean()
  anonymous?: boolean;
}

export class DonatedItemDto {
  @Text(200)
  description!: string;

  @IsInt() @Min(1) @Max(MAX_COUNT)
  quantity!: number;

  /** 件, 箱, 袋, kg … */
  @Text(20)
  unit!: string;
}

export class ReceiveDonationDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  id?: string;

  @IsString() @Matches(ID_PATTERN)
  campaignId!: string;

  @IsString() @Matches(ID_PATTERN)
  orgUnitId!: string;

  @IsObject() @ValidateNested() @Type(() => DonorDto)
  donor!: DonorDto;

  @IsIn(DONATION_KINDS)
  kind!: DonationKind;

  /** 分 (minor units); for goods, the assessed value. */
  @IsInt() @Min(1) @Max(MAX_MONEY)
  amount!: number;

  @IsCalendarDate()
  receivedOn!: string;

  @Optional() @IsIn(PAYMENT_METHODS)
  method?: PaymentMethod;

  /** Bank or receipt reference, for reconciliation. */
  @Optional() @Text(200)
  reference?: string;

  @Optional() @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => DonatedItemDto)
  items?: DonatedItemDto[];
}

export class RefundDonationDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  refundId?: string;

  /** 分. */
  @IsInt() @Min(1) @Max(MAX_MONEY)
  amount!: number;

  @Text(500)
  reason!: string;

  /** When the money went back; defaults to the ledger's today. */
  @Optional() @IsCalendarDate()
  refundedOn?: string;
}

export class DisburseFundsDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  id?: string;

  @IsString() @Matches(ID_PATTERN)
  campaignId!: string;

  @IsString() @Matches(ID_PATTERN)
  orgUnitId!: string;

  /** 分. */
  @IsInt() @Min(1) @Max(MAX_MONEY)
  amount!: number;

  @Text(500)
  purpose!: string;

  @IsCalendarDate()
  paidOn!: string;

  @Optional() @IsInt() @Min(0) @Max(MAX_COUNT)
  beneficiaries?: number;

  @Optional() @IsString() @Matches(ID_PATTERN)
  activityId?: string;
}
