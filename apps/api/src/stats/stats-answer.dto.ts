import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Figures } from '@tongxin/projections';

/** What each figure counts (README: figure rules); every one an integer, money in 分. */
const FIGURE_DESCRIPTIONS: Record<keyof Figures, string> = {
  activitiesHeld: 'Activities not voided.',
  participants: 'Participants of those activities (人次).',
  beneficiaries: 'Beneficiaries the activities name (人次); neither disbursements nor goods distributions add to it.',
  materialsDistributed: 'Publicity materials distributed at activities (发放宣传资料, copies/份); not donated goods.',
  volunteerParticipations: 'Hour entries not rejected (志愿者参与人次).',
  volunteerMinutesLogged: 'Minutes of hour entries not rejected.',
  volunteerMinutesVerified: 'Minutes of verified hour entries.',
  distinctVolunteers: 'Volunteers with at least one entry not rejected.',
  moneyReceived: 'Money donations received, 分.',
  moneyRefunded: 'Money refunded, 分.',
  goodsValueReceived: 'Assessed value of goods donations received, 分.',
  fundsRaised: 'moneyReceived − moneyRefunded + goodsValueReceived, 分.',
  disbursed: 'Money disbursed, 分.',
  donations: 'Donation records, money and goods.',
  disbursementBeneficiaries: 'Beneficiaries named on disbursements.',
  goodsDistributions: 'Distributions of donated goods, under the recipient unit (or recipient activity\'s unit), on distributedOn.',
  goodsDistributedValue: 'Value of the goods handed out, 分: each donation line\'s `value`, or without values the amount of a '
    + 'donation of one good, spread over its units (the first c of Q units are worth ⌊value·c/Q⌋); 0 for goods of a donation of '
    + 'different goods without values per line.',
  distributionBeneficiaries: 'People reached by distributions of goods.',
};

/** The figures of `GET /stats/totals` and of each breakdown row. */
export class FiguresDto {}
for (const [name, description] of Object.entries(FIGURE_DESCRIPTIONS)) {
  ApiProperty({ type: 'integer', description })(FiguresDto.prototype, name);
}

export class TotalsDto extends FiguresDto {
  @ApiProperty({ type: 'integer', description: 'The last global position the answer includes.' })
  position!: number;
}

export class BreakdownRowDto extends FiguresDto {
  @ApiProperty({ type: 'string', nullable: true, description: 'Org unit id, campaign id, category, venue type, YYYY-MM or goods unit; '
    + 'null for the figures that have no such dimension.' })
  key!: string | null;

  @ApiProperty()
  label!: string;

  @ApiPropertyOptional({ type: 'integer', description: 'by=goodsUnit only: the quantity handed out in this unit.' })
  goodsQuantity?: number;
}

export class BreakdownDto {
  @ApiProperty({ type: [BreakdownRowDto] })
  rows!: BreakdownRowDto[];

  @ApiProperty({ type: 'integer' })
  position!: number;
}
