// Keeps this test target buildable on the tester branch; delete on merge when the target has real tests.
