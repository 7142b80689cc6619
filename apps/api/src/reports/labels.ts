/** English labels of the contract's enumerations (CONTRACT §2), for English reports; Chinese ones come with breakdown rows. */
export const CATEGORY_LABELS_EN: Readonly<Record<string, string>> = {
  lecture: 'lectures', public_welfare: 'public welfare', performance: 'performances', training: 'trainings',
  home_visit: 'home visits', festival: 'festivals', sports: 'sports', knowledge_test: 'knowledge tests',
  exhibition: 'exhibitions', study_tour: 'study tours', volunteer_service: 'volunteer service', meeting: 'meetings', other: 'other',
};
