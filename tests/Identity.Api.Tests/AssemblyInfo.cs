// Some tests restart identity (client changes, key rotation): no other test may ask it for a token meanwhile, so the
// assembly's tests form one collection and run one at a time.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
