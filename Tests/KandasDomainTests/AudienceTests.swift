import KandasDomain
import Testing

@Test func ageBounds_areInclusive() {
    let audience = Audience(scope: .eachMember, minAge: 6, maxAge: 18)
    #expect(!audience.typicallyApplies(age: 5, sex: .male))
    #expect(audience.typicallyApplies(age: 6, sex: .male))
    #expect(audience.typicallyApplies(age: 18, sex: .female))
    #expect(!audience.typicallyApplies(age: 19, sex: .female))
}

@Test func sexRestriction_excludesTheOtherSex() {
    let audience = Audience(scope: .eachMember, sex: .male)
    #expect(audience.typicallyApplies(age: 30, sex: .male))
    #expect(!audience.typicallyApplies(age: 30, sex: .female))
}

@Test func everyoneAndFamily_applyToAnyone() {
    #expect(Audience.everyone.typicallyApplies(age: 0, sex: .female))
    #expect(Audience.family.typicallyApplies(age: 90, sex: .male))
    #expect(Audience.family.scope == .family)
}
