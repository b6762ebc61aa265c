"""Harm that nobody inflicted, and other senses of the words of violence (issue 7).

Road, air and sea accidents, fires and spaceflight fill the violence words of
everyday news (``حادث مرور``, ``انقلاب سيارة``, ``سقوط طائرة``, ``اشتعال
النيران``, ``أطلقت صاروخا يحمل قمرا صناعيا``), as do figures of speech
(``طعنة في الظهر``, ``خطف الأضواء``), computers and football (``هجوم
إلكتروني``, ``الشوط الثاني``), executions for a murder (``القصاص``) and
allegations of involvement (``متورط في``): none of them is an assault. Nor
is hitting a protester (``يضرب متظاهرا``), pretending (``تظاهر بأنه``) or a
crowd that gathers to greet a team a protest. Every sentence is our own,
written for the rule it exercises; each rule is paired with a sentence that
must still be coded.
"""

from __future__ import annotations

from datetime import date

from tests.event_readers import readers

PUBLISHED = date(2018, 4, 10)
_, violent, protests = readers(PUBLISHED)


# --- accidents --------------------------------------------------------------------------


def test_a_road_accident_is_no_assault():
    assert not violent("لقي ثلاثة أشخاص مصرعهم وأصيب خمسة آخرون في حادث مرور جد صباح اليوم "
                       "على الطريق الرابطة بين المدينتين.")


def test_a_bomb_that_hits_a_passing_patrol_is_still_an_assault():
    assert violent("قتل جنديان في انفجار عبوة ناسفة لدى مرور دورية عسكرية صباح اليوم قرب "
                   "المدينة.")


def test_an_overturned_car_is_no_assault():
    assert not violent("توفي رجل وأصيب أربعة من أفراد عائلته إثر انقلاب السيارة التي تقلهم "
                       "مساء أمس على الطريق السريعة.")


def test_casualties_among_the_putschists_are_still_reported():
    assert violent("قتل عشرة من الانقلابيين وأصيب عشرون آخرون أمس في محافظة تعز.")


def test_a_plane_crash_is_no_assault():
    assert not violent("قتل جميع ركاب الطائرة الصغيرة وعددهم ستة أشخاص بعد سقوط طائرتهم في "
                       "منطقة جبلية أمس.")


def test_a_downed_plane_is_still_an_assault():
    assert violent("أدى إسقاط الطائرة بصاروخ أمس إلى مقتل جميع من كانوا على متنها وعددهم "
                   "مئة شخص.")


def test_a_toll_that_falls_is_still_reported():
    assert violent("أسفر الهجوم على السوق أمس عن سقوط عشرين قتيلا.")


def test_flames_are_not_gunfire():
    assert not violent("قتل اثنا عشر شخصا أمس إثر اشتعال النيران في مبنى سكني وسط المدينة.")


def test_gunfire_is_still_gunfire():
    assert violent("قتل ثلاثة أشخاص بنيران القوات أمس في السوق.")


def test_a_volcano_is_no_assault():
    assert not violent("قتل 40 شخصا على الأقل، الأحد، جراء ثوران بركان على بعد 30 كيلومترا من "
                       "العاصمة.")


def test_panic_is_no_wound():
    assert not violent("وأصيب سكان القرية، الاثنين، بالذعر بعد سماع دوي في ثلاثة أحياء من "
                       "المدينة.")


def test_panic_after_a_blast_still_reports_the_blast():
    assert violent("وأصيب سكان القرية، الاثنين، بالذعر بعد انفجار سيارة مفخخة في ثلاثة أحياء "
                   "من المدينة.")


def test_a_collapsed_building_is_no_assault():
    assert not violent("قتل 12 شخصا، الأحد، إثر انهيار مبنى من ثلاثة طوابق في ضاحية العاصمة.")


def test_a_building_brought_down_by_shelling_is_an_assault():
    assert violent("أدى القصف، الأحد، إلى انهيار مبنى من ثلاثة طوابق ومقتل 12 شخصا في العاصمة.")


def test_a_stampede_is_no_assault():
    assert not violent("قتل 17 شخصا، السبت، في تدافع عند مدخل الملعب في العاصمة.")


def test_an_explosion_in_a_chemical_plant_is_no_assault():
    assert not violent("قتل 6 أشخاص وأصيب آخرون، الخميس، في انفجار بمصنع كيماويات شمالي "
                       "العاصمة.")


def test_a_bomb_by_a_factory_is_an_assault():
    assert violent("قتل 6 عمال، الخميس، في انفجار عبوة ناسفة قرب مصنع في شمال البلاد.")


def test_gunmen_who_blow_up_a_factory_and_kill_its_workers_assault():
    assert violent("فجر مسلحون، الخميس، مصنعا للإسمنت في شمال البلاد وقتلوا 3 عمال.")


def test_a_truck_bomb_beside_a_mishap_word_is_an_assault():
    assert violent("قتل خمسة أشخاص أمس في شاحنة مفخخة قرب حافلة للركاب.")


def test_a_truck_driven_into_a_crowd_is_not_read_as_an_accident():
    assert violent("قتل عشرة أشخاص أمس بعد أن دهست شاحنة حشدا من المشاة في وسط المدينة.")


# --- other senses and figures of speech --------------------------------------------------


def test_a_stab_in_the_back_is_a_figure_of_speech():
    assert not violent("وصف الرئيس الفرنسي، الاثنين، في العاصمة باريس قرار الحكومة الألمانية "
                       "بأنه طعنة بالظهر لأوروبا.")


def test_a_stab_in_the_back_that_wounds_is_a_stabbing():
    events = violent("تلقى الشرطي طعنة في الظهر من مهاجم مجهول أمس في السوق وأصيب بجروح.")
    assert "1823" in {e.event_code for e in events}


def test_stealing_the_limelight_is_no_kidnapping():
    # Clubs named after the army and the police are actors to the dictionary.
    assert not violent("وخطف لاعبو الجيش الأضواء من الشرطة، الأحد، في الرباط بعد فوزهم "
                       "بثلاثة أهداف.")


def test_gunmen_who_kidnap_at_a_checkpoint_still_kidnap():
    events = violent("خطف مسلحون ثلاثة مهندسين من نقطة تفتيش على الطريق أمس.")
    assert {e.root_code for e in events} == {"18"}


def test_the_limelight_is_read_past_commas():
    assert not violent("وخطف الجيش، الأحد، الأضواء من الشرطة في الرباط بعد فوزه بثلاثة أهداف.")


def test_a_satellite_launch_is_no_strike():
    assert not violent("وأطلق صاروخ يحمل ثلاثة أقمار صناعية من المركز صباح الخميس ودخلت "
                       "مداراتها.")


def test_rockets_fired_at_a_town_are_a_strike():
    assert violent("أطلق المسلحون صواريخ على البلدة أمس.")


def test_a_cyber_attack_is_no_assault():
    assert not violent("أعلنت وزارة الدفاع، الاثنين، تعرض شبكتها لهجوم إلكتروني استهدف 300 "
                       "حاسوب في العاصمة.")


def test_an_attack_on_a_ministry_is_still_an_assault():
    assert violent("أعلنت الشرطة، الاثنين، تعرض مبنى وزارة الدفاع لهجوم مسلح استهدف 3 حراس "
                   "في العاصمة.")


def test_attacks_in_the_second_half_are_football():
    # A goalkeeper (حارس) is a guard to the actor dictionary.
    assert not violent("وواصلت السنغال، الأحد، شن الهجمات على الحارس الكولومبي في الشوط "
                       "الثاني في موسكو.")


def test_a_ceasefire_with_words_between_is_no_gunfire():
    assert not violent("أعلن الرئيس، الخميس، وقفا من جانب واحد لإطلاق النار مع المتمردين في "
                       "الإقليم.")


def test_gunfire_after_a_ceasefire_is_gunfire():
    assert violent("بعد وقف إطلاق النار، أطلق مسلحون النار على دورية للجيش أمس في المدينة.")


# --- background -------------------------------------------------------------------------


def test_an_execution_for_murder_is_no_new_shooting():
    assert not violent("نفذت وزارة الداخلية، الخميس، حكم القتل قصاصا في رجل أطلق النار على "
                       "شقيقين في مدينة بريدة.")


def test_a_discretionary_execution_is_no_new_killing():
    assert not violent("نفذت وزارة الداخلية، الأحد، حكم القتل تعزيرا في جانيين قتلا شخصا بمنطقة "
                       "جازان.")


def test_a_shooting_of_two_brothers_is_reported():
    assert violent("أطلق رجل النار على شقيقين، الخميس، في مدينة بريدة وقتلهما.")


# --- allegations of involvement ------------------------------------------------------------


def test_suspects_involved_in_attacks_are_no_new_attack():
    assert not violent("وتبين أن ثلاثة من الموقوفين، الأحد، في العاصمة متورطون في عمليات "
                       "إرهابية استهدفت الجيش.")


def test_a_bombing_reported_as_news_is_coded():
    assert violent("فجر انتحاري نفسه في السوق أمس وقتل خمسة أشخاص.")


def test_suspects_involved_in_riots_are_no_riot():
    assert not protests("اعتقلت الشرطة، الأحد، 11 شخصا يشتبه في ضلوعهم في أعمال شغب في وسط "
                        "العاصمة.")


# --- other senses of the protest words ----------------------------------------------------


def test_hitting_a_protester_is_no_strike():
    assert not protests("ويظهر في مقطع الفيديو، الأحد، رجل يرتدي زي الشرطة وهو يضرب متظاهرا في "
                        "وسط العاصمة.")


def test_protesters_who_strike_still_strike():
    events = protests("وأضرب آلاف المتظاهرين، الأحد، عن العمل في وسط العاصمة.")
    assert {e.event_code for e in events} == {"143"}


def test_pretending_is_no_demonstration():
    assert not protests("وكان رجلان قد تظاهرا بأنهما من عمال الصيانة، الأحد، في وسط العاصمة.")


def test_a_crowd_that_greets_a_team_is_no_protest():
    assert not protests("واحتشد الآلاف، الأحد، لتحية المنتخب الفائز في وسط العاصمة.")


def test_protesters_massed_before_parliament_still_protest():
    assert protests("واحتشد آلاف المتظاهرين، الأحد، أمام البرلمان في وسط العاصمة.")


def test_gunfire_over_a_video_game_is_still_gunfire():
    assert violent("أطلق الصبي النار على شقيقته أمس في منزل العائلة في ولاية ميسيسيبي خلال "
                   "شجار على لعبة إلكترونية.")


# --- talk of violence and signs of a report -------------------------------------------------


def test_we_will_continue_the_offensive_is_no_attack():
    assert not violent("وقال الرئيس، الأحد، في العاصمة: سنواصل شن الهجوم على الإرهابيين في "
                       "المنطقة.")


def test_the_army_that_continued_the_offensive_attacked():
    assert violent("وواصل الجيش، الأحد، شن الهجوم على الإرهابيين في المنطقة.")


def test_a_country_adjective_on_the_strikes_is_a_sign_of_a_report():
    # Not a place to locate the event (the adjective is no name), but a sign,
    # like a place name, that the sentence reports something that happened.
    assert violent("واستهدفت الغارات الأردنية مخازن أسلحة لتنظيم داعش.")
