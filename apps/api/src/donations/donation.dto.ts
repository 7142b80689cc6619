import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DONATION_KINDS, DONOR_KINDS, PAYMENT_METHODS, type DonationKind, type DonorKind, type PaymentMethod,
} from '@tongxin/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsString, Matches, Max, Min, ValidateBy,
  ValidateNested,
} from 'class-validator';
import { ID_PATTERN, IsCalendarDate, MAX_COUNT, MAX_MONEY, MultilineText, Optional, Text } from '../http/validators';

export class DonorDto {
  @Text(200)
  name!: string;

  @ApiProperty({ enum: DONOR_KINDS })
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

  /**
   * 分: this line's part of the assessed `amount`, on every line or on none (then they sum to `amount`). It values the
   * goods handed out of this line (goodsDistributedValue); without it, only a donation of one good is valued per unit.
   */
  @Optional() @IsInt() @Min(0) @Max(MAX_MONEY)
  value?: number;
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

  @ApiProperty({ enum: DONATION_KINDS })
  @IsIn(DONATION_KINDS)
  kind!: DonationKind;

  /** 分 (minor units); for goods, the assessed value. */
  @IsInt() @Min(1) @Max(MAX_MONEY)
  amount!: number;

  @IsCalendarDate()
  receivedOn!: string;

  @ApiPropertyOptional({ enum: PAYMENT_METHODS })
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

  @MultilineText(500)
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

  @MultilineText(500)
  purpose!: string;

  @IsCalendarDate()
  paidOn!: string;

  @Optional() @IsInt() @Min(0) @Max(MAX_COUNT)
  beneficiaries?: number;

  @Optional() @IsString() @Matches(ID_PATTERN)
  activityId?: string;
}

/** Goods lines of a donation are capped like its `items` (1000), so an index is 0–999. */
const MAX_ITEMS = 1000;

export class DistributedItemDto {
  /** The item's position in the donation's `items`, from 0. */
  @IsInt() @Min(0) @Max(MAX_ITEMS - 1)
  index!: number;

  /** In the item's own unit (袋, 床 …); a whole number. */
  @IsInt() @Min(1) @Max(MAX_COUNT)
  quantity!: number;
}

/** Exactly one of the two: an org unit inside the campaign, or an activity held inside it. */
export class GoodsRecipientDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  orgUnitId?: string;

  @Optional() @IsString() @Matches(ID_PATTERN)
  activityId?: string;
}

/** The recipient object names exactly one of orgUnitId and activityId. */
function NamesOneRecipient(): PropertyDecorator {
  return ValidateBy({
    name: 'namesOneRecipient',
    validator: {
      validate: (value: unknown) => {
        if (value === null || typeof value !== 'object') return true; // IsObject reports it
        const { orgUnitId, activityId } = value as GoodsRecipientDto;
        return (orgUnitId === undefined) !== (activityId === undefined);
      },
      defaultMessage: () => 'recipient must name exactly one of orgUnitId and activityId',
    },
  });
}

export class DistributeGoodsDto {
  @Optional() @IsString() @Matches(ID_PATTERN)
  distributionId?: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ITEMS) @ValidateNested({ each: true }) @Type(() => DistributedItemDto)
  items!: DistributedItemDto[];

  @IsObject() @NamesOneRecipient() @ValidateNested() @Type(() => GoodsRecipientDto)
  recipient!: GoodsRecipientDto;

  /** People the goods reached (人次); 0 when they are counted elsewhere, e.g. as the recipient activity's beneficiaries. */
  @IsInt() @Min(0) @Max(MAX_COUNT)
  beneficiaries!: number;

  @IsCalendarDate()
  distributedOn!: string;

  @Optional() @MultilineText(500)
  notes?: string;
}
